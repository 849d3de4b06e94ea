package dev.semstream.tokenize;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** WordPiece and the pipeline around it on a hand-written vocabulary with hand-worked answers. */
class TinyVocabWordPieceTest {
    private static final int CLS = 2;
    private static final int SEP = 3;
    private static final int UNK = 1;
    private final WordPieceTokenizer tokenizer = TinyTokenizerJson.tokenizer();

    @Test
    void splitsAWordIntoContinuationPieces() {
        assertEquals(List.of("un", "##aff", "##able"), tokenizer.tokenize("unaffable"));
        assertArrayEquals(new int[] {CLS, 4, 5, 6, SEP}, tokenizer.encode("unaffable", 16).ids());
    }

    @Test
    void takesTheLongestMatchFirst() {
        // "hell" + "##o", not "he" + "##l" + "##l" + "##o".
        assertEquals(List.of("hell", "##o"), tokenizer.tokenize("hello"));
    }

    @Test
    void wordStartsDoNotMatchContinuationEntries() {
        // "aff" at a word start uses the plain entry; "##aff" is only for inside a word.
        assertEquals(List.of("aff"), tokenizer.tokenize("aff"));
        assertEquals(List.of("[UNK]"), tokenizer.tokenize("able"));
    }

    @Test
    void aWordWithAnUncoverableTailIsOneUnknownToken() {
        // "he" and "##l" match, then "x" cannot: no partial pieces survive.
        assertEquals(List.of("[UNK]"), tokenizer.tokenize("helx"));
        assertEquals(List.of("hell", "##o", "[UNK]", "hell", "##o"), tokenizer.tokenize("hello helx hello"));
    }

    @Test
    void punctuationIsSplitOffAndWhitespaceDropped() {
        assertEquals(List.of("hell", "##o", ",", "hell", "##o", "!", "!"),
                tokenizer.tokenize("  hello,hello\t!!\n"));
    }

    @Test
    void normalizesCaseAccentsAndCjk() {
        assertEquals(List.of("cafe"), tokenizer.tokenize("CAFÉ"));
        assertEquals(List.of("cafe"), tokenizer.tokenize("Cafe\u0301")); // decomposed accent
        assertEquals(List.of("中", "文"), tokenizer.tokenize("中文"));
        assertEquals(List.of("a", "中", "a"), tokenizer.tokenize("a中a"));
    }

    @Test
    void dropsControlAndZeroWidthCharacters() {
        assertEquals(List.of("hell", "##o"), tokenizer.tokenize("hel\u0000l\u200Bo\uFEFF"));
    }

    @Test
    void wordLengthLimitCountsCodePointsNotUtf16Units() {
        assertEquals(9, tokenizer.tokenize("a".repeat(9)).size());
        assertEquals(List.of("[UNK]"), tokenizer.tokenize("a".repeat(10)));
        String bold = "\uD835\uDC00"; // U+1D400, two UTF-16 units, one code point
        assertEquals(9, tokenizer.tokenize(bold.repeat(9)).size()); // 18 units, 9 code points: allowed
        assertEquals(List.of("[UNK]"), tokenizer.tokenize(bold.repeat(10)));
    }

    @Test
    void addedTokensInTheTextKeepTheirIds() {
        assertArrayEquals(new int[] {CLS, 14, SEP, 14, SEP}, tokenizer.encode("a[SEP]a", 16).ids());
        assertArrayEquals(new int[] {CLS, UNK, SEP}, tokenizer.encode("[UNK]", 16).ids());
    }

    @Test
    void emptyAndBlankTextGiveOnlyTheSpecialTokens() {
        for (String text : new String[] {"", " ", "\t\r\n", "\u200B"}) {
            Encoding encoding = tokenizer.encode(text, 2);
            assertArrayEquals(new int[] {CLS, SEP}, encoding.ids());
            assertFalse(encoding.truncated());
        }
    }

    @Test
    void truncationKeepsClsFirstPiecesAndSep() {
        Encoding cut = tokenizer.encode("unaffable hello", 4);
        assertArrayEquals(new int[] {CLS, 4, 5, SEP}, cut.ids());
        assertTrue(cut.truncated());
        assertEquals(4, cut.tokenCount());

        assertArrayEquals(new int[] {CLS, SEP}, tokenizer.encode("unaffable", 2).ids());
        assertTrue(tokenizer.encode("unaffable", 2).truncated());

        Encoding exact = tokenizer.encode("unaffable hello", 7);
        assertArrayEquals(new int[] {CLS, 4, 5, 6, 9, 10, SEP}, exact.ids());
        assertFalse(exact.truncated());
    }

    @Test
    void rejectsMaxTokensThatCannotHoldTheSpecialTokens() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> tokenizer.encode("a", 1));
        assertTrue(e.getMessage().contains("at least 2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> tokenizer.encode("a", 0));
        assertThrows(IllegalArgumentException.class, () -> tokenizer.encode("a", -5));
        assertEquals(2, tokenizer.minMaxTokens());
    }

    @Test
    void rejectsNullText() {
        NullPointerException e = assertThrows(NullPointerException.class, () -> tokenizer.encode(null, 8));
        assertTrue(e.getMessage().contains("text"), e.getMessage());
        assertThrows(NullPointerException.class, () -> tokenizer.tokenize(null));
    }

    @Test
    void looksUpTokensAndIds() {
        assertEquals(21, tokenizer.vocabSize());
        assertEquals(OptionalInt.of(5), tokenizer.idOf("##aff"));
        assertEquals(OptionalInt.of(CLS), tokenizer.idOf("[CLS]"));
        assertEquals(OptionalInt.empty(), tokenizer.idOf("missing"));
        assertEquals(Optional.of("##able"), tokenizer.tokenOf(6));
        assertEquals(Optional.empty(), tokenizer.tokenOf(21));
        assertEquals(Optional.empty(), tokenizer.tokenOf(-1));
    }

    @Test
    void honoursAnotherContinuationPrefix() {
        var json = TinyTokenizerJson.tree();
        var model = (com.fasterxml.jackson.databind.node.ObjectNode) json.get("model");
        model.put("continuing_subword_prefix", "@@");
        var vocab = (com.fasterxml.jackson.databind.node.ObjectNode) model.get("vocab");
        vocab.remove("##aff");
        vocab.put("@@aff", 5);
        WordPieceTokenizer atAt = TinyTokenizerJson.load(json);
        assertEquals(List.of("un", "@@aff"), atAt.tokenize("unaff"));
        assertEquals(List.of("[UNK]"), atAt.tokenize("unaffable")); // "##able" no longer continues
    }

    @Test
    void withoutAPostProcessorThereAreNoSpecialTokens() {
        var json = TinyTokenizerJson.tree();
        json.putNull("post_processor");
        WordPieceTokenizer bare = TinyTokenizerJson.load(json);
        assertArrayEquals(new int[] {4, 5, 6}, bare.encode("unaffable", 16).ids());
        assertArrayEquals(new int[] {4}, bare.encode("unaffable", 1).ids());
        assertEquals(1, bare.minMaxTokens());
    }
}
