package dev.semstream.tokenize;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Byte-level BPE on a hand-made vocabulary, where every merge and id is known, and malformed files. */
class ByteLevelBpeTokenizerTest {

    /** The 256 byte tokens (id = byte value) plus the given merges, each merged token the next id. */
    private static ByteLevelBpeTokenizer tokenizer(String... merges) {
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (int b = 0; b < 256; b++) {
            vocab.put(String.valueOf(ByteLevelAlphabet.charOf(b)), b);
        }
        StringBuilder txt = new StringBuilder("#version: 0.2\n");
        for (String m : merges) {
            vocab.putIfAbsent(m.replace(" ", ""), vocab.size());
            txt.append(m).append('\n');
        }
        vocab.put("<|endoftext|>", vocab.size());
        return ByteLevelBpeTokenizer.of(json(vocab), txt.toString().getBytes(StandardCharsets.UTF_8), "test");
    }

    private static byte[] json(Map<String, Integer> vocab) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsBytes(vocab);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void alphabetMapsEveryByteToOnePrintableCharacter() {
        assertEquals('Ġ', ByteLevelAlphabet.charOf(' '));
        assertEquals('Ċ', ByteLevelAlphabet.charOf('\n'));
        assertEquals('a', ByteLevelAlphabet.charOf('a'));
        for (int b = 0; b < 256; b++) {
            char c = ByteLevelAlphabet.charOf(b);
            assertEquals(b, ByteLevelAlphabet.byteOf(c));
            assertTrue(!Character.isWhitespace(c) && !Character.isISOControl(c), "byte " + b + " -> U+" + (int) c);
        }
        assertEquals(-1, ByteLevelAlphabet.byteOf('\u4E00'));
    }

    @Test
    void preTokenizerKeepsOneLeadingSpaceWithTheWord() {
        assertEquals(List.of("Hello", ",", " world", "!!", "  ", " I", "'m", " 42", "\n\n"),
                Gpt2PreTokenizer.split("Hello, world!!   I'm 42\n\n"));
        // Only a plain space joins the word; a tab before it stays a whitespace piece of its own.
        assertEquals(List.of("a", " ", "\t", "b"), Gpt2PreTokenizer.split("a \tb"));
    }

    @Test
    void lowerRankMergesFirstAndEqualPairsLeftToRight() {
        // "ab" before "bc": "abc" is ab + c, never a + bc.
        ByteLevelBpeTokenizer t = tokenizer("a b", "b c", "ab c");
        assertArrayEquals(new int[]{258}, t.encode("abc"));
        ByteLevelBpeTokenizer reversed = tokenizer("b c", "a b", "a bc");
        assertArrayEquals(new int[]{258}, reversed.encode("abc"));
        assertArrayEquals(new int[]{256, 'a'}, tokenizer("a a").encode("aaa"));
        assertArrayEquals(new int[]{256, 256}, tokenizer("a a").encode("aaaa"));
        assertArrayEquals(new int[]{257}, tokenizer("a a", "aa aa").encode("aaaa"));
    }

    @Test
    void mergesNeverCrossPieces() {
        ByteLevelBpeTokenizer t = tokenizer("a Ġ", "Ġ b");
        // "a b" is the pieces "a" and " b": the pair (a, space) is never adjacent inside one piece.
        assertArrayEquals(new int[]{'a', 257}, t.encode("a b"));
    }

    @Test
    void longPiecesAreLinearithmicNotQuadratic() {
        ByteLevelBpeTokenizer t = tokenizer("Ġ Ġ", "ĠĠ ĠĠ");
        int[] ids = t.encode(" ".repeat(200_001));
        // 50,000 runs of four spaces then one left over.
        assertEquals(50_001, ids.length);
        assertEquals(' ', ids[ids.length - 1]);
        assertEquals(" ".repeat(200_001), t.decode(ids));
    }

    @Test
    void decodeOfACutCharacterIsAReplacementNotAnError() {
        ByteLevelBpeTokenizer t = tokenizer();
        int[] euro = t.encode("€");
        assertEquals(3, euro.length);
        assertEquals("\uFFFD", t.decode(new int[]{euro[0]}));
        assertThrows(IllegalArgumentException.class, () -> t.decode(new int[]{9999}));
    }

    @Test
    void malformedFilesAreClearErrors() {
        byte[] merges = "#version: 0.2\n".getBytes(StandardCharsets.UTF_8);
        TokenizerException noBytes = assertThrows(TokenizerException.class,
                () -> ByteLevelBpeTokenizer.of("{\"a\": 0}".getBytes(StandardCharsets.UTF_8), merges, "x"));
        assertTrue(noBytes.getMessage().contains("no token for byte"), noBytes.getMessage());
        TokenizerException badJson = assertThrows(TokenizerException.class,
                () -> ByteLevelBpeTokenizer.of("[1]".getBytes(StandardCharsets.UTF_8), merges, "x"));
        assertTrue(badJson.getMessage().contains("vocab.json"), badJson.getMessage());
        TokenizerException unknownMerge = assertThrows(TokenizerException.class, () -> tokenizer("a zz"));
        assertTrue(unknownMerge.getMessage().contains("'zz'"), unknownMerge.getMessage());
        TokenizerException badLine = assertThrows(TokenizerException.class, () -> tokenizer("abc"));
        assertTrue(badLine.getMessage().contains("line 2"), badLine.getMessage());
    }
}
