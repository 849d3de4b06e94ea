package dev.semstream.tokenize;

/**
 * The character classes of Hugging Face's BERT normalizer and pre-tokenizer, defined exactly as HF
 * defines them (which is not how {@link Character} does).
 *
 * <p>BMP code points are answered from a 64 KiB flag table built once, so the per-char cost on the
 * hot path is one array load; supplementary code points (emoji, rare CJK) take the slower exact
 * checks.
 */
final class BertCharClasses {
    private static final byte CONTROL = 1;
    private static final byte WHITESPACE = 2;
    private static final byte PUNCTUATION = 4;
    private static final byte NONSPACING_MARK = 8;
    private static final byte CHINESE = 16;

    private static final byte[] BMP_FLAGS = bmpFlags();

    private BertCharClasses() {
    }

    /**
     * HF's {@code is_control}: Unicode 9 Cc, Cf or Co, except tab, newline and carriage return
     * (those count as whitespace). Unassigned code points are kept, as HF keeps them.
     */
    static boolean isControl(int cp) {
        return cp < 0x10000 ? (BMP_FLAGS[cp] & CONTROL) != 0 : computeControl(cp);
    }

    /**
     * Rust's {@code char::is_whitespace}: the Unicode White_Space property. Unlike
     * {@link Character#isWhitespace} it includes no-break spaces (U+00A0, U+2007, U+202F) and
     * excludes the information separators U+001C..U+001F.
     */
    static boolean isWhitespace(int cp) {
        return cp < 0x10000 && (BMP_FLAGS[cp] & WHITESPACE) != 0;
    }

    /** HF's {@code is_bert_punc}: any ASCII punctuation (including $+<=>^`|~) or Unicode 9 P*. */
    static boolean isPunctuation(int cp) {
        return cp < 0x10000 ? (BMP_FLAGS[cp] & PUNCTUATION) != 0 : Unicode9Categories.isPunctuation(cp);
    }

    /** Unicode 9 Mn: what HF drops after NFD when stripping accents. */
    static boolean isNonspacingMark(int cp) {
        return cp < 0x10000 ? (BMP_FLAGS[cp] & NONSPACING_MARK) != 0 : Unicode9Categories.isNonspacingMark(cp);
    }

    /**
     * HF's {@code is_chinese_char}: the CJK ideograph blocks that get spaces around them. Note the
     * gap U+2B820..U+2B91F: HF's table starts Extension E at U+2B920, and so do we.
     */
    static boolean isChinese(int cp) {
        return cp < 0x10000 ? (BMP_FLAGS[cp] & CHINESE) != 0 : computeChinese(cp);
    }

    private static byte[] bmpFlags() {
        byte[] flags = new byte[0x10000];
        for (int cp = 0; cp < flags.length; cp++) {
            int f = 0;
            if (computeControl(cp)) {
                f |= CONTROL;
            }
            if (computeWhitespace(cp)) {
                f |= WHITESPACE;
            }
            if (isAsciiPunctuation(cp) || Unicode9Categories.isPunctuation(cp)) {
                f |= PUNCTUATION;
            }
            if (Unicode9Categories.isNonspacingMark(cp)) {
                f |= NONSPACING_MARK;
            }
            if (computeChinese(cp)) {
                f |= CHINESE;
            }
            flags[cp] = (byte) f;
        }
        return flags;
    }

    private static boolean computeControl(int cp) {
        if (cp == '\t' || cp == '\n' || cp == '\r') {
            return false;
        }
        boolean cc = cp <= 0x1F || (cp >= 0x7F && cp <= 0x9F);
        boolean co = (cp >= 0xE000 && cp <= 0xF8FF) || (cp >= 0xF0000 && cp <= 0xFFFFD)
                || (cp >= 0x100000 && cp <= 0x10FFFD);
        return cc || co || Unicode9Categories.isFormat(cp);
    }

    private static boolean computeWhitespace(int cp) {
        return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680
                || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F
                || cp == 0x205F || cp == 0x3000;
    }

    private static boolean isAsciiPunctuation(int cp) {
        return (cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96)
                || (cp >= 123 && cp <= 126);
    }

    private static boolean computeChinese(int cp) {
        return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF)
                || (cp >= 0x20000 && cp <= 0x2A6DF) || (cp >= 0x2A700 && cp <= 0x2B73F)
                || (cp >= 0x2B740 && cp <= 0x2B81F) || (cp >= 0x2B920 && cp <= 0x2CEAF)
                || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);
    }
}
