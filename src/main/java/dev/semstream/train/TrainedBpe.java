package dev.semstream.train;

import dev.semstream.tokenize.ByteLevelBpeFiles;
import dev.semstream.tokenize.ByteLevelBpeTokenizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A trained byte-level BPE: the vocabulary (bytes, merged tokens, {@code <|endoftext|>} last) and the merges
 * in the order they were learned. Held as the two files' bytes, and {@link #tokenizer()} reads those same
 * bytes, so the tokenizer in hand is exactly what {@link #write} saves.
 */
public final class TrainedBpe {
    private final byte[] vocabJson;
    private final byte[] mergesTxt;
    private final int vocabSize;
    private final int mergeCount;
    private final ByteLevelBpeTokenizer tokenizer;

    TrainedBpe(List<byte[]> tokensById, List<byte[]> mergeLefts, List<byte[]> mergeRights) {
        this.vocabJson = ByteLevelBpeFiles.vocabJson(tokensById);
        this.mergesTxt = ByteLevelBpeFiles.mergesTxt(mergeLefts, mergeRights);
        this.vocabSize = tokensById.size() + 1;
        this.mergeCount = mergeLefts.size();
        this.tokenizer = ByteLevelBpeTokenizer.of(vocabJson, mergesTxt, "trained BPE");
    }

    /** Writes {@code vocab.json} and {@code merges.txt} into dir (created if missing), as GPT-2's are laid out. */
    public void write(Path dir) {
        try {
            Files.createDirectories(dir);
            Files.write(dir.resolve("vocab.json"), vocabJson);
            Files.write(dir.resolve("merges.txt"), mergesTxt);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the tokenizer to " + dir + ": " + e.getMessage(), e);
        }
    }

    public ByteLevelBpeTokenizer tokenizer() {
        return tokenizer;
    }

    /** Ids in all, {@code <|endoftext|>} included. */
    public int vocabSize() {
        return vocabSize;
    }

    public int mergeCount() {
        return mergeCount;
    }
}
