package dev.semstream.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainCorpusTest {
    @TempDir
    Path dir;

    @Test
    void eachFileIsADocumentOrSeveralWhereItHasTheSeparator() throws Exception {
        Path a = Files.writeString(dir.resolve("a.txt"), "In the beginning.\n");
        Path b = Files.writeString(dir.resolve("b.txt"), "First.<|endoftext|>Second.<|endoftext|>  \n<|endoftext|>");
        TrainCorpus corpus = TrainCorpus.ofFiles(List.of(a, b));
        assertEquals(List.of("In the beginning.\n", "First.", "Second."), corpus.documents());
        assertEquals(List.of(a.toAbsolutePath().toString(), b.toAbsolutePath().toString()), corpus.source().files());
        assertTrue(corpus.description().startsWith("2 files, 0.0 MB, 3 documents"), corpus.description());
    }

    @Test
    void aFileThatIsNotUtf8IsRefusedWithItsOffset() throws Exception {
        Path bad = Files.write(dir.resolve("bad.txt"), new byte[]{'o', 'k', (byte) 0xff, 'x'});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainCorpus.ofFiles(List.of(bad)));
        assertEquals(bad + " is not UTF-8 text: malformed bytes at offset 2", e.getMessage());
    }

    @Test
    void aMissingFileOrADirectoryIsRefused() {
        assertEquals("no such file: " + dir.resolve("none.txt"), assertThrows(IllegalArgumentException.class,
                () -> TrainCorpus.ofFiles(List.of(dir.resolve("none.txt")))).getMessage());
        assertEquals(dir + " is a directory, not a text file", assertThrows(IllegalArgumentException.class,
                () -> TrainCorpus.ofFiles(List.of(dir))).getMessage());
    }
}
