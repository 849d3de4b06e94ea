package dev.semstream.train;

import dev.semstream.tokenize.Gpt2PreTokenizer;
import dev.semstream.tokenize.GptParityCorpus;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Counting pre-tokens in chunks on several threads gives exactly the counts of one pass over each document. */
class PreTokenCountsTest {

    @Test
    void chunkedParallelCountsEqualOnePassPerDocument() {
        // Long documents of every kind of line ending, whitespace run and script, cut into many small chunks.
        List<String> documents = new ArrayList<>();
        List<String> strings = GptParityCorpus.strings();
        for (int d = 0; d < 8; d++) {
            StringBuilder sb = new StringBuilder();
            for (int i = d; i < strings.size(); i += 8) {
                sb.append(strings.get(i)).append(i % 3 == 0 ? "\n" : i % 3 == 1 ? " \n" : "\n\n");
            }
            documents.add(sb.toString());
        }
        documents.addAll(GptLikeText.documents(10, 2000, 4));
        Map<String, Long> expected = new HashMap<>();
        for (String document : documents) {
            Gpt2PreTokenizer.split(document).forEach(p -> expected.merge(p, 1L, Long::sum));
        }
        List<String> chunks = new ArrayList<>();
        documents.forEach(d -> PreTokenCounts.cut(d, 200, chunks));
        assertTrue(chunks.size() > 10 * documents.size(), chunks.size() + " chunks");
        assertEquals(expected, PreTokenCounts.count(documents, 200, 3));
        assertEquals(expected, PreTokenCounts.count(documents, PreTokenCounts.CHUNK_CHARS, 1));
    }

    @Test
    void cutsOnlyAfterANewlineBetweenVisibleCharacters() {
        assertEquals(4, PreTokenCounts.safeCut("abc\ndef", 0));
        assertEquals(-1, PreTokenCounts.safeCut("abc \ndef", 0));    // "  \n" at the end would be one piece
        assertEquals(-1, PreTokenCounts.safeCut("abc\n def", 0));
        assertEquals(-1, PreTokenCounts.safeCut("abc\n\ndef", 0));
        assertEquals(11, PreTokenCounts.safeCut("a.\nb\u00A0\nc, d\ne", 5));
        List<String> chunks = new ArrayList<>();
        PreTokenCounts.cut("no newline at all ".repeat(100), 10, chunks);
        assertEquals(1, chunks.size());
    }
}
