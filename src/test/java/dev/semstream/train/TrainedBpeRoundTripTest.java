package dev.semstream.train;

import dev.semstream.tokenize.ByteLevelBpeTokenizer;
import dev.semstream.tokenize.GptParityCorpus;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every string encodes and decodes to its exact UTF-8 bytes through a trained tokenizer, read back from the
 * files it wrote; the tokenizer is trained on text with the same kinds of characters, so merged multi-byte
 * tokens are exercised, not only single bytes.
 */
class TrainedBpeRoundTripTest {
    private static ByteLevelBpeTokenizer tokenizer;

    @BeforeAll
    static void train(@TempDir Path dir) {
        List<String> documents = new ArrayList<>(GptLikeText.documents(80, 400, 7));
        documents.addAll(GptParityCorpus.strings().subList(0, 1500));
        BpeTrainer.train(documents, 2000).write(dir);
        tokenizer = ByteLevelBpeTokenizer.read(dir);
    }

    @Test
    void everyKindOfStringComesBackByteForByte() {
        List<String> strings = new ArrayList<>(List.of("", "plain ASCII, with punctuation!", "café naïve Zürich",
                "東京 日本語 北京欢迎你 한국어", "😀👍🏽👨‍👩‍👧‍👦🇫🇷", "\u0000\u0001\u001F\u007F\u0085\t\r\n\u000B\u000C",
                " ", "   ", "\n\n\n", "a" + " ".repeat(500) + "b", " \t \n \u00A0\u3000 ", "trailing  ",
                ByteLevelBpeTokenizer.END_OF_TEXT, "text<|endoftext|>more" + ByteLevelBpeTokenizer.END_OF_TEXT,
                "I'm you're we've they'll she'd it's DON'T"));
        strings.addAll(GptParityCorpus.strings());
        strings.addAll(randomValidUnicode(500, 11));
        long merged = 0;
        for (String s : strings) {
            int[] ids = tokenizer.encode(s);
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            assertArrayEquals(utf8, tokenizer.decodeBytes(ids), () -> "bytes of " + Arrays.toString(s.codePoints().toArray()));
            if (isValidUtf16(s)) {
                assertEquals(s, tokenizer.decode(ids));
            }
            merged += utf8.length - ids.length;
        }
        assertTrue(merged > 10_000, "only " + merged + " bytes saved by merges: the merged tokens went unused");
    }

    @Test
    void theLiteralEndOfTextIsTextNotTheSpecialId() {
        int[] ids = tokenizer.encode(ByteLevelBpeTokenizer.END_OF_TEXT);
        assertTrue(ids.length > 1 && Arrays.stream(ids).noneMatch(id -> id == tokenizer.endOfTextId()),
                Arrays.toString(ids));
    }

    /** Random strings of any code point but surrogates (which have no UTF-8 of their own). */
    private static List<String> randomValidUnicode(int count, long seed) {
        Random random = new Random(seed);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            StringBuilder sb = new StringBuilder();
            for (int n = 1 + random.nextInt(30); n > 0; n--) {
                int cp;
                do {
                    cp = switch (random.nextInt(4)) {
                        case 0 -> random.nextInt(0x80);
                        case 1 -> random.nextInt(0x800);
                        case 2 -> random.nextInt(0x10000);
                        default -> random.nextInt(Character.MAX_CODE_POINT + 1);
                    };
                } while (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE);
                sb.appendCodePoint(cp);
            }
            out.add(sb.toString());
        }
        return out;
    }

    /** No unpaired surrogate, so the string has UTF-8 of its own and comes back from it unchanged. */
    static boolean isValidUtf16(String s) {
        return s.equals(new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
    }
}
