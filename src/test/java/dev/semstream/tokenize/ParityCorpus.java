package dev.semstream.tokenize;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Deterministic test strings for parity with Hugging Face: hand-picked edge cases plus seeded random
 * text from every family of input that the normalizer, pre-tokenizer or WordPiece treats specially.
 */
final class ParityCorpus {
    private static final String[] WORDS = {
        "the", "quick", "brown", "fox", "jumps", "over", "lazy", "dog", "stream", "kafka", "embedding",
        "tokenizer", "similarity", "vector", "transformer", "unaffable", "antidisestablishmentarianism",
        "running", "played", "cats", "I", "You", "NASA", "McDonald's", "don't", "e-mail", "COVID-19",
        "Hello", "World", "naïve", "résumé", "São", "Paulo", "Zürich", "Ångström", "mañana", "fiancée",
        "Straße", "ÆSIR", "œuvre", "Dvořák", "Łódź", "İstanbul", "ΣΊΣΥΦΟΣ", "Москва", "Привет", "мир",
        "Ελλάδα", "καλημέρα", "مرحبا", "بِسْمِ", "שָׁלוֹם", "עברית", "สวัสดีครับ", "ภาษาไทย", "नमस्ते", "हिन्दी",
        "東京", "日本語", "中文分词", "北京欢迎你", "こんにちは", "カタカナ", "ｶﾀｶﾅ", "한국어", "안녕하세요",
        "ＦＵＬＬＷＩＤＴＨ", "ﬁnance", "Ⅻ", "½", "x²", "3.14159", "1,000,000", "42", "007", "2024-05-01",
        "$19.99", "€5", "£3", "¥100", "#hashtag", "@mention", "C++", "node.js", "i18n", "k8s",
    };
    private static final String[] EMOJI = {
        "😀", "🥺", "🫠", "👍", "👍🏽", "👍🏿", "👨‍👩‍👧‍👦", "👩🏽‍💻", "🏳️‍🌈", "❤️", "❤", "✨", "🇫🇷", "🇯🇵",
        "🏴󠁧󠁢󠁥󠁮󠁧󠁿", "1️⃣", "#️⃣", "©", "™", "🤷‍♂️", "🧑🏻‍🤝‍🧑🏿", "☺︎",
    };
    private static final String[] CONTROLS = {
        "\u0000", "\u0007", "\t", "\r\n", "\n", "\r", "\u000B", "\u000C", "\u001B", "\u001C", "\u001F",
        "\u007F", "\u0085", "\u009F", "\uFFFD",
    };
    private static final String[] INVISIBLES = {
        "\u200B", "\u200C", "\u200D", "\uFEFF", "\u2060", "\u200E", "\u200F", "\u202E", "\u00AD", "\u180E",
        "\u061C", "\u2066", "\uFE0F", "\uFE0E", "\u034F",
    };
    private static final String[] SPACES = {
        " ", "  ", "\u00A0", "\u2007", "\u202F", "\u3000", "\u2028", "\u2029", "\u1680", "\u2003", "\u205F",
    };
    private static final String[] COMBINING = {
        "\u0301", "\u0300", "\u0308", "\u0327", "\u0303", "\u030A", "\u0316", "\u0489", "\u20DD", "\u20E3",
        "\u0903", "\u093C", "\u1AC1", "\u1DFA", "\u0898", "\u0E31", "\u05B4", "\u064B",
    };
    private static final String[] SPECIAL_LITERALS = {
        "[CLS]", "[SEP]", "[MASK]", "[UNK]", "[PAD]", "[cls]", "[pad]", "[Sep]", "[[CLS]]", "[CLS", "CLS]",
        "[ MASK ]", " [MASK] ", "\t[MASK]\n", " [SEP] ", "x [SEP]", "[SEP]1", "_[SEP]", "é[SEP]", "[MASK][MASK]",
    };
    private static final String[] SNIPPETS = {
        "https://example.com/path?q=kafka+streams&lang=en#top", "http://localhost:8080/api/v1/embed",
        "john.doe+filter@example.co.uk", "mailto:ops@semstream.dev", "for (int i = 0; i < n; i++) { sum += a[i]; }",
        "def f(x): return x**2  # square", "SELECT * FROM t WHERE id = 42;", "{\"key\": [1, 2.5e-3, null]}",
        "a->b => c :: d", "<div class=\"x\">Hi</div>", "C:\\Users\\me\\file.txt", "--flag=value -v",
        "...", "!!!", "?!?!", "---", "***", "~~~", "((()))", "[[]]", "\"'`", "„quoted“", "«guillemets»",
        "¿qué?", "¡hola!", "…", "—", "–", "•", "§2.1", "¶", "†‡", "‰", "‽", "⸮", "⸻", "、。", "「引用」", "【注】",
    };
    /** Code point ranges to draw random characters from, including ones assigned after Unicode 9. */
    private static final int[][] RANGES = {
        {0x20, 0x7E}, {0xA0, 0x24F}, {0x250, 0x2FF}, {0x300, 0x36F}, {0x370, 0x3FF}, {0x400, 0x4FF},
        {0x530, 0x58F}, {0x590, 0x5FF}, {0x600, 0x6FF}, {0x700, 0x74F}, {0x800, 0x8FF}, {0x900, 0x97F},
        {0x980, 0xDFF}, {0xE00, 0xE7F}, {0xE80, 0xFFF}, {0x1000, 0x10FF}, {0x1100, 0x11FF}, {0x1200, 0x13FF},
        {0x1680, 0x18FF}, {0x1AB0, 0x1AFF}, {0x1C80, 0x1CFF}, {0x1D00, 0x1DFF}, {0x1E00, 0x1FFF},
        {0x2000, 0x206F}, {0x2070, 0x20CF}, {0x20D0, 0x20FF}, {0x2100, 0x2BFF}, {0x2C00, 0x2E7F},
        {0x2E80, 0x2FDF}, {0x3000, 0x30FF}, {0x3100, 0x33FF}, {0x3400, 0x4DBF}, {0x4DC0, 0x4DFF},
        {0x4E00, 0x9FFF}, {0xA000, 0xA4CF}, {0xA4D0, 0xA7FF}, {0xA800, 0xABFF}, {0xAC00, 0xD7AF},
        {0xD7B0, 0xD7FF}, {0xE000, 0xE0FF}, {0xF900, 0xFAFF}, {0xFB00, 0xFDFF}, {0xFE00, 0xFE6F},
        {0xFE70, 0xFFFF}, {0x10000, 0x1018F}, {0x10300, 0x1058F}, {0x10E60, 0x10EFF}, {0x11000, 0x1124F},
        {0x11900, 0x11AFF}, {0x16FE0, 0x18AFF}, {0x1D100, 0x1D24F}, {0x1D400, 0x1D7FF}, {0x1E900, 0x1E95F},
        {0x1F000, 0x1FAFF}, {0x20000, 0x2A6DF}, {0x2B700, 0x2B9FF}, {0x2F800, 0x2FA1F}, {0x30000, 0x3134F},
        {0xE0000, 0xE01EF}, {0xF0000, 0xF00FF}, {0x10FF00, 0x10FFFF},
    };

    private ParityCorpus() {
    }

    /** Every string, in a fixed order; the same on every run. */
    static List<String> strings(int randomCount, long seed) {
        List<String> out = new ArrayList<>(handPicked());
        out.addAll(unicodeVersionProbes());
        Random random = new Random(seed);
        for (int i = 0; i < randomCount; i++) {
            out.add(generated(random, i % 16));
        }
        return out;
    }

    /**
     * Strings around every code point whose category in this JDK's Unicode data differs from the
     * Unicode 9 tables HF uses (punctuation, nonspacing mark, format), and every cased code point
     * alone, twenty to a string. These are the places where a JDK-based implementation would drift.
     */
    static List<String> unicodeVersionProbes() {
        List<String> out = new ArrayList<>();
        StringBuilder cased = new StringBuilder();
        int casedInBatch = 0;
        for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
            if (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE) {
                continue;
            }
            if (jdkPunctuation(cp) != Unicode9Categories.isPunctuation(cp)
                    || (Character.getType(cp) == Character.NON_SPACING_MARK) != Unicode9Categories.isNonspacingMark(cp)
                    || (Character.getType(cp) == Character.FORMAT) != Unicode9Categories.isFormat(cp)) {
                String c = new String(Character.toChars(cp));
                out.add("x" + c + "y " + c + " e" + c);
            }
            if (Character.toLowerCase(cp) != cp || Character.toUpperCase(cp) != cp) {
                cased.appendCodePoint(cp).append(' ');
                if (++casedInBatch == 20) {
                    out.add(cased.toString());
                    cased.setLength(0);
                    casedInBatch = 0;
                }
            }
        }
        out.add(cased.toString());
        return out;
    }

    private static boolean jdkPunctuation(int cp) {
        int type = Character.getType(cp);
        return type == Character.CONNECTOR_PUNCTUATION || type == Character.DASH_PUNCTUATION
                || type == Character.START_PUNCTUATION || type == Character.END_PUNCTUATION
                || type == Character.INITIAL_QUOTE_PUNCTUATION || type == Character.FINAL_QUOTE_PUNCTUATION
                || type == Character.OTHER_PUNCTUATION;
    }

    private static List<String> handPicked() {
        List<String> out = new ArrayList<>(List.of(
                "", " ", "   ", "\t\n\r ", "\u00A0\u3000\u2028", "\u200B\u200D\uFEFF", "\u0000", "a\u0000b",
                "Hello, world!", "unaffable", "UNAFFABLE", "don't stop", "[CLS] x [SEP]", "x[MASK]y", "[SEP][SEP]",
                "İ", "İstanbul", "ΣΑΣ", "σας ΣΑΣ", "ǅemal ǄEMAL", "ẞ", "ß", "ﬁ", "Å Å Å", "e\u0301",
                "\u00C5\u030A", "a\u0301\u200D\u0316b", "🏴󠁧󠁢󠁥󠁮󠁧󠁿", "\uE000a\uF8FFb", "\uDB80\uDC01x",
                "\uD800", "a\uD800b", "\uDC00z", "\u2E45 \u2E4F", "\u166D", "\uD804\uDDC9", "\u1734",
                "\uA7CB \uA7DC \u2C2F", "\u9FFF\u3400\uF900\uFAFF", "\uD86E\uDC20\uD86E\uDD20",
                "\uD840\uDC00\uD87E\uDC00", "가각갂", "ᄀ ᅡ ᆨ", "x\u0130y", "Ω Ω", "Å", "K",
                "$+<=>^`|~", "a$b+c<d=e>f^g`h|i~j", "¡¿«»", "l'été", "\u2019s", "a\u0085b", "a\u000Bb\u000Cc",
                "a\u001Cb\u001Dc\u001Ed\u001Ff"));
        // Word length limits, counted in code points: exactly 100, 101, and astral chars.
        out.add("a".repeat(100));
        out.add("a".repeat(101));
        out.add("ab".repeat(60));
        out.add("é".repeat(100));
        out.add("é".repeat(101));
        out.add("e\u0301".repeat(60)); // 120 chars before NFD, 60 after accents are stripped
        out.add("가".repeat(40)); // 40 syllables become 80 jamo after NFD
        out.add("가".repeat(51)); // 102 jamo: too long after NFD
        out.add("\uD835\uDC00".repeat(60)); // 60 code points, 120 UTF-16 units
        out.add("x".repeat(5000));
        out.add("the quick brown fox ".repeat(300));
        return out;
    }

    private static String generated(Random random, int family) {
        switch (family) {
            case 0:
                return sentence(random, 3 + random.nextInt(20));
            case 1:
                return join(random, WORDS, 1 + random.nextInt(6), " ") + " " + pick(random, COMBINING);
            case 2:
                return cjk(random);
            case 3:
                return join(random, EMOJI, 1 + random.nextInt(6), random.nextBoolean() ? " " : "");
            case 4:
                return interleave(random, CONTROLS);
            case 5:
                return interleave(random, INVISIBLES);
            case 6:
                return combiningMarks(random);
            case 7:
                return longWord(random);
            case 8:
                return join(random, SNIPPETS, 1 + random.nextInt(4), " ");
            case 9:
                return numbersAndPunctuation(random);
            case 10:
                return randomCodePoints(random, 1 + random.nextInt(30));
            case 11:
                return join(random, SPACES, 1 + random.nextInt(5), "");
            case 12:
                return sentence(random, 2 + random.nextInt(6)) + pick(random, SPECIAL_LITERALS)
                        + sentence(random, 1 + random.nextInt(4));
            case 13:
                return mathAlphanumerics(random);
            case 14:
                return mixture(random);
            default:
                return caseVariants(random);
        }
    }

    private static String sentence(Random random, int words) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < words; i++) {
            if (i > 0) {
                sb.append(random.nextInt(10) == 0 ? ", " : " ");
            }
            sb.append(pick(random, WORDS));
        }
        return sb.append(random.nextBoolean() ? "." : "?").toString();
    }

    private static String cjk(Random random) {
        StringBuilder sb = new StringBuilder();
        int n = 1 + random.nextInt(20);
        for (int i = 0; i < n; i++) {
            switch (random.nextInt(6)) {
                case 0 -> sb.appendCodePoint(0x4E00 + random.nextInt(0x5200)); // CJK unified
                case 1 -> sb.appendCodePoint(0x3041 + random.nextInt(0x56)); // hiragana
                case 2 -> sb.appendCodePoint(0x30A1 + random.nextInt(0x5A)); // katakana
                case 3 -> sb.appendCodePoint(0xAC00 + random.nextInt(0x2BA4)); // hangul syllables
                case 4 -> sb.append(random.nextBoolean() ? "、" : "。");
                default -> sb.append(random.nextBoolean() ? " " : pick(random, WORDS));
            }
        }
        return sb.toString();
    }

    private static String interleave(Random random, String[] specials) {
        StringBuilder sb = new StringBuilder();
        int n = 1 + random.nextInt(8);
        for (int i = 0; i < n; i++) {
            sb.append(pick(random, WORDS)).append(pick(random, specials));
            if (random.nextBoolean()) {
                sb.append(pick(random, specials));
            }
        }
        return sb.toString();
    }

    private static String combiningMarks(Random random) {
        StringBuilder sb = new StringBuilder();
        int n = 1 + random.nextInt(10);
        for (int i = 0; i < n; i++) {
            sb.appendCodePoint(random.nextBoolean() ? 'a' + random.nextInt(26) : 0xC0 + random.nextInt(0x17F - 0xC0));
            int marks = random.nextInt(4);
            for (int m = 0; m < marks; m++) {
                sb.append(pick(random, COMBINING));
            }
            if (random.nextInt(3) == 0) {
                sb.append(' ');
            }
        }
        return sb.toString();
    }

    private static String longWord(Random random) {
        String unit = pick(random, new String[] {"a", "ab", "é", "x1", "ß", "k", "日", "🙂", "е"});
        return unit.repeat(90 + random.nextInt(30)) + (random.nextBoolean() ? " tail" : "");
    }

    private static String numbersAndPunctuation(Random random) {
        StringBuilder sb = new StringBuilder();
        int n = 1 + random.nextInt(12);
        for (int i = 0; i < n; i++) {
            switch (random.nextInt(4)) {
                case 0 -> sb.append(random.nextInt(1_000_000));
                case 1 -> sb.append(String.format(java.util.Locale.ROOT, "%.3f", random.nextDouble() * 1000));
                case 2 -> sb.append("!@#$%^&*()_+-=[]{};':\",./<>?\\|`~".charAt(random.nextInt(32)));
                default -> sb.append(' ');
            }
        }
        return sb.toString();
    }

    private static String randomCodePoints(Random random, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            int[] range = RANGES[random.nextInt(RANGES.length)];
            int cp = range[0] + random.nextInt(range[1] - range[0] + 1);
            if (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE) {
                cp = 'x'; // lone surrogates have their own hand-picked cases
            }
            sb.appendCodePoint(cp);
            if (random.nextInt(4) == 0) {
                sb.append(' ');
            }
        }
        return sb.toString();
    }

    private static String mathAlphanumerics(Random random) {
        StringBuilder sb = new StringBuilder();
        int n = 1 + random.nextInt(10);
        for (int i = 0; i < n; i++) {
            sb.appendCodePoint(0x1D400 + random.nextInt(0x3FF));
            if (random.nextInt(3) == 0) {
                sb.append(random.nextBoolean() ? " " : pick(random, WORDS));
            }
        }
        return sb.toString();
    }

    /** A bit of every family glued together, with and without spaces. */
    private static String mixture(Random random) {
        StringBuilder sb = new StringBuilder();
        int parts = 2 + random.nextInt(5);
        for (int i = 0; i < parts; i++) {
            sb.append(generated(random, random.nextInt(14)));
            if (random.nextBoolean()) {
                sb.append(' ');
            }
        }
        return sb.toString();
    }

    private static String caseVariants(Random random) {
        String s = sentence(random, 2 + random.nextInt(8));
        return switch (random.nextInt(3)) {
            case 0 -> s.toUpperCase(java.util.Locale.ROOT);
            case 1 -> s.replace(' ', '\n');
            default -> s.replace(" ", "");
        };
    }

    private static String join(Random random, String[] pool, int count, String separator) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                sb.append(separator);
            }
            sb.append(pick(random, pool));
        }
        return sb.toString();
    }

    private static String pick(Random random, String[] pool) {
        return pool[random.nextInt(pool.length)];
    }
}
