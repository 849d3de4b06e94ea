package dev.semstream.tokenize;

import java.text.Normalizer;

/**
 * Hugging Face's {@code BertNormalizer}, step for step and in HF's order: clean text, pad CJK
 * ideographs with spaces, strip accents (NFD, then drop nonspacing marks), lowercase.
 *
 * <p>Speed: text that is all ASCII, the common case, takes one pass with no Unicode tables and no
 * {@link Normalizer} call. Only text with non-ASCII chars pays for code point decoding and NFD.
 */
final class BertNormalizer {
    /** Changes nothing (a tokenizer.json with {@code "normalizer": null}). */
    static final BertNormalizer IDENTITY = new BertNormalizer(false, false, false, false);

    private final boolean cleanText;
    private final boolean handleChineseChars;
    private final boolean stripAccents;
    private final boolean lowercase;

    /**
     * @param stripAccents null means "follow lowercase", which is HF's rule for BERT checkpoints
     *                     whose config leaves strip_accents unset
     */
    BertNormalizer(boolean cleanText, boolean handleChineseChars, Boolean stripAccents, boolean lowercase) {
        this.cleanText = cleanText;
        this.handleChineseChars = handleChineseChars;
        this.stripAccents = stripAccents == null ? lowercase : stripAccents;
        this.lowercase = lowercase;
    }

    /**
     * Normalizes {@code text[from, to)} into {@code out} (cleared first). {@code scratch} is a work
     * buffer the caller may reuse between calls.
     */
    void normalize(CharSequence text, int from, int to, TextBuffer out, TextBuffer scratch) {
        out.clear();
        if (isAscii(text, from, to)) {
            normalizeAscii(text, from, to, out);
        } else if (stripAccents) {
            scratch.clear();
            cleanAndPad(text, from, to, scratch, false);
            String decomposed = Normalizer.normalize(scratch, Normalizer.Form.NFD);
            dropMarksAndLowercase(decomposed, out);
        } else {
            cleanAndPad(text, from, to, out, lowercase);
        }
    }

    private static boolean isAscii(CharSequence text, int from, int to) {
        for (int i = from; i < to; i++) {
            if (text.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    /** All four steps for ASCII: no CJK, no accents, so only cleaning and A-Z matter. */
    private void normalizeAscii(CharSequence text, int from, int to, TextBuffer out) {
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (cleanText && (c < 0x20 || c == 0x7F)) {
                if (c != '\t' && c != '\n' && c != '\r') {
                    continue; // C0 controls and DEL; U+000B and U+000C count as controls, not spaces
                }
                c = ' ';
            }
            if (lowercase && c >= 'A' && c <= 'Z') {
                c = (char) (c + ('a' - 'A'));
            }
            out.append(c);
        }
    }

    /** Clean text and CJK padding, per code point; optionally lowercasing too (when no NFD follows). */
    private void cleanAndPad(CharSequence text, int from, int to, TextBuffer out, boolean lower) {
        int i = from;
        while (i < to) {
            int cp = codePointAt(text, i, to);
            i += Character.charCount(cp);
            if (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE) {
                // An unpaired surrogate is not Unicode; HF only ever sees text that went through a
                // UTF-8 conversion, which turns it into U+FFFD.
                cp = 0xFFFD;
            }
            if (cleanText) {
                if (cp == 0 || cp == 0xFFFD || BertCharClasses.isControl(cp)) {
                    continue;
                }
                if (BertCharClasses.isWhitespace(cp)) {
                    cp = ' ';
                }
            }
            if (handleChineseChars && BertCharClasses.isChinese(cp)) {
                out.append(' ');
                appendMaybeLower(cp, out, lower);
                out.append(' ');
            } else {
                appendMaybeLower(cp, out, lower);
            }
        }
    }

    private void dropMarksAndLowercase(String decomposed, TextBuffer out) {
        int n = decomposed.length();
        for (int i = 0; i < n; ) {
            int cp = decomposed.codePointAt(i);
            i += Character.charCount(cp);
            if (!BertCharClasses.isNonspacingMark(cp)) {
                appendMaybeLower(cp, out, lowercase);
            }
        }
    }

    private static void appendMaybeLower(int cp, TextBuffer out, boolean lower) {
        if (!lower) {
            out.appendCodePoint(cp);
        } else if (cp == 0x130) {
            // Rust's char::to_lowercase applies the full mapping: U+0130 becomes "i" + U+0307.
            // Character.toLowerCase(int) is the simple mapping ("i"), so this one is spelled out.
            out.append('i');
            out.append('\u0307');
        } else {
            // Per code point on purpose: String.toLowerCase would turn a word-final capital sigma
            // into U+03C2, which Rust (and so HF) does not.
            out.appendCodePoint(Character.toLowerCase(cp));
        }
    }

    /** Like Character.codePointAt, but leaves an unpaired surrogate as a single (invalid) unit. */
    private static int codePointAt(CharSequence text, int i, int to) {
        char c = text.charAt(i);
        if (Character.isHighSurrogate(c) && i + 1 < to) {
            char next = text.charAt(i + 1);
            if (Character.isLowSurrogate(next)) {
                return Character.toCodePoint(c, next);
            }
        }
        return c;
    }
}
