package dev.semstream.tokenize;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Strings for byte-level BPE parity: the WordPiece parity corpus (every script, emoji, controls,
 * invisibles, combining marks, Unicode-version probes, long words) plus what GPT-2's pre-tokenizer treats
 * specially: contractions in every case, whitespace runs before words and at the ends, indented code,
 * digit runs, unpaired surrogates and the literal special token.
 */
public final class GptParityCorpus {
    private static final String[] PIECES = {
        "I'm", "you're", "we've", "they'll", "she'd", "it's", "can't", "don't", "I'M", "YOU'RE", "It'S", "'s", "'t",
        "'re", "'ve", "'m", "'ll", "'d", "'x", "''", "' s", "rock'n'roll", "o'clock", "’s", "Hello", "world", "the",
        " ", "  ", "   ", "\t", "\n", "\n\n", "\r\n", " \n ", "\u00A0", "\u3000", "\u2028", "12", "123", "1234",
        "3.14159", "1,000,000", "0x7FFF", "٣٤٥", "Ⅻ", "½", "²", "😀", "👍🏽", "👨‍👩‍👧‍👦", "日本語", "Привет", "ñ",
        "e\u0301", "<|endoftext|>", "<|", "|>", "def", "return", "{", "}", "();", "=>", "//", "#", "$", "@", ".",
        "...", "!", "?", "\uD800", "\uDC00", "\uD83D", "\uDE00", "\u0000", "\u001F", "\u007F", "\uFFFD", "\uFEFF",
    };
    private static final String[] CODE = {
        "def f(x):\n    return x ** 2\n",
        "public static void main(String[] args) {\n\tSystem.out.println(\"hi\");\n}\n",
        "    if (a &&  b) {   // two spaces\n        c++;\n    }\n\n\n",
        "SELECT name, COUNT(*) FROM users GROUP BY name HAVING COUNT(*) > 1;",
        "<html>\n  <body class=\"main\">Hello &amp; welcome</body>\n</html>",
        "x = [1, 2, 3]   \n\ny = {'a': 1, \"b\": 2}\t\t\n",
        "#!/usr/bin/env bash\nset -euo pipefail\necho \"$HOME\"  \n",
    };

    private GptParityCorpus() {
    }

    public static List<String> strings() {
        List<String> out = new ArrayList<>(ParityCorpus.strings(1500, 11));
        out.addAll(List.of(CODE));
        out.addAll(List.of(PIECES));
        out.addAll(List.of("Hello world", " Hello world", "Hello  world", "Hello world ", "Hello world  ",
                "a\n\nb", "a \n b", "  leading", "trailing  ", "\n", "   ", "a" + " ".repeat(1000) + "b",
                " ".repeat(3000), "\n".repeat(500), "9".repeat(2000), "ab".repeat(2000), "😀".repeat(300),
                "The GPT-2 model, released in 2019, has 1.5B parameters; it's \"large\".",
                "<|endoftext|>Once upon a time<|endoftext|>", "unpaired \uD800 surrogate \uDC00 here \uD83D"));
        Random random = new Random(5);
        for (int i = 0; i < 1000; i++) {
            StringBuilder sb = new StringBuilder();
            int n = 1 + random.nextInt(12);
            for (int j = 0; j < n; j++) {
                sb.append(PIECES[random.nextInt(PIECES.length)]);
                if (random.nextInt(3) == 0) {
                    sb.append(" ".repeat(random.nextInt(4)));
                }
            }
            out.add(sb.toString());
        }
        return out;
    }
}
