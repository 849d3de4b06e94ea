package dev.semstream.train;

import dev.semstream.tokenize.ByteLevelBpeTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** BPE training on corpora small enough to work out by hand, its sizes, its determinism and its errors. */
class BpeTrainerTest {

    @Test
    void mergesOfAHandCheckedCorpusIncludingTies(@TempDir Path dir) throws Exception {
        // Pieces: "low", " lower", " lowest", " newer", " wider" (Ġ is the space). Ids: printable ASCII c is
        // c - 33 (d 67, e 68, l 75, o 78, w 86), Ġ is 220, merged tokens 256 and up.
        //  1. l-o, o-w, w-e and e-r all occur 3 times: the tie goes to the smallest left id, e (68): "e r"
        //  2. l-o and o-w are left at 3: l (75) before o (78): "l o", then lo-w is 3: "lo w"
        //  4. Ġ-low occurs twice (" lower", " lowest"), the rest once: "Ġ low"
        //  5. all at 1: the smallest left id is d (67), d-er in " wider": "d er"
        //  6. then e (68), with s (82) before w (86): "e s", and then "e w"
        TrainedBpe trained = BpeTrainer.train(List.of("low lower lowest newer wider"), 257 + 7);
        trained.write(dir);
        assertEquals("#version: 0.2\ne r\nl o\nlo w\nĠ low\nd er\ne s\ne w\n",
                Files.readString(dir.resolve("merges.txt"), StandardCharsets.UTF_8));
        ByteLevelBpeTokenizer tokenizer = trained.tokenizer();
        assertArrayEquals(new int[]{258}, tokenizer.encode("low"));
        assertArrayEquals(new int[]{259, 256}, tokenizer.encode(" lower"));
        assertArrayEquals(new int[]{259, 261, 83}, tokenizer.encode(" lowest"));   // Ġlow es t
        assertArrayEquals(new int[]{220, 77, 262, 256}, tokenizer.encode(" newer"));  // Ġ n ew er
        assertArrayEquals(new int[]{220, 86, 72, 260}, tokenizer.encode(" wider"));   // Ġ w i der
        assertEquals(263, tokenizer.endOfTextId());
    }

    @Test
    void neverMergesAcrossPiecesOrDocuments() {
        // As one text "ab" would merge a-b at once; as two documents, and as two pieces, it cannot.
        assertThrows(IllegalArgumentException.class, () -> BpeTrainer.train(List.of("a", "b", "a", "b"), 258));
        TrainedBpe trained = BpeTrainer.train(List.of("a b", "a b", "a b"), 258);
        assertArrayEquals(new int[]{64, 256}, trained.tokenizer().encode("a b"));   // a, Ġb
    }

    @Test
    void sameFilesWhateverTheDocumentOrderAndRunToRun(@TempDir Path dir) throws Exception {
        List<String> documents = GptLikeText.documents(60, 300, 1);
        List<String> shuffled = new ArrayList<>(documents);
        Collections.shuffle(shuffled, new Random(2));
        BpeTrainer.train(documents, 1000).write(dir.resolve("a"));
        BpeTrainer.train(shuffled, 1000).write(dir.resolve("b"));
        BpeTrainer.train(documents, 1000).write(dir.resolve("c"));
        for (String file : List.of("vocab.json", "merges.txt")) {
            byte[] a = Files.readAllBytes(dir.resolve("a").resolve(file));
            assertArrayEquals(a, Files.readAllBytes(dir.resolve("b").resolve(file)), file + " after shuffling");
            assertArrayEquals(a, Files.readAllBytes(dir.resolve("c").resolve(file)), file + " on a second run");
        }
    }

    @Test
    void vocabularyIsExactlyTheAskedSizeWithEndOfTextLast(@TempDir Path dir) throws Exception {
        List<String> documents = GptLikeText.documents(40, 300, 3);
        for (int size : new int[]{257, 258, 300, 777}) {
            TrainedBpe trained = BpeTrainer.train(documents, size);
            Path out = dir.resolve("v" + size);
            trained.write(out);
            ByteLevelBpeTokenizer read = ByteLevelBpeTokenizer.read(out);
            assertEquals(size, trained.vocabSize());
            assertEquals(size, read.vocabSize());
            assertEquals(size - 1, read.endOfTextId());
            assertEquals(ByteLevelBpeTokenizer.END_OF_TEXT, read.decode(new int[]{size - 1}));
            assertEquals(size - 257, trained.mergeCount());
            List<String> lines = Files.readAllLines(out.resolve("merges.txt"), StandardCharsets.UTF_8);
            assertEquals("#version: 0.2", lines.get(0));
            assertEquals(size - 257, lines.size() - 1);
            String json = Files.readString(out.resolve("vocab.json"), StandardCharsets.US_ASCII);
            assertTrue(json.startsWith("{\"!\":0,\"\\\"\":1,\"#\":2,"), json.substring(0, 30));
            assertTrue(json.endsWith(",\"<|endoftext|>\":" + (size - 1) + "}"));
        }
    }

    @Test
    void aVocabularyBelow257OrBeyondTheCorpusIsAClearError() {
        IllegalArgumentException small = assertThrows(IllegalArgumentException.class,
                () -> BpeTrainer.train(List.of("plenty of text here"), 256));
        assertTrue(small.getMessage().contains("at least 257"), small.getMessage());
        // "abab" has the pairs a-b and b-a: a-b, then ab-ab, then no pair at all, so at most 259 ids.
        assertEquals(259, BpeTrainer.train(List.of("abab"), 259).vocabSize());
        IllegalArgumentException tiny = assertThrows(IllegalArgumentException.class,
                () -> BpeTrainer.train(List.of("abab"), 300));
        assertTrue(tiny.getMessage().contains("at most 259"), tiny.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BpeTrainer.train(List.of(), 258));
        assertEquals(257, BpeTrainer.train(List.of(), 257).vocabSize());
    }
}
