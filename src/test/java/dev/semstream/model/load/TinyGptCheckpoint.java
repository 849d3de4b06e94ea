package dev.semstream.model.load;

import dev.semstream.model.GptConfig;
import dev.semstream.model.GptWeights;
import dev.semstream.model.TinyGpt;

import java.nio.file.Path;

/** Writes a small random GPT-2 checkpoint directory, tokenizer included, as Hugging Face lays it out. */
public final class TinyGptCheckpoint {
    private TinyGptCheckpoint() {
    }

    /** A tiny checkpoint in dir: F32 weights under the "transformer." prefix, and its tiny tokenizer. */
    public static void write(Path dir, long seed) {
        write(dir, TinyGpt.configWithTokenizer(), TinyGpt.weights(TinyGpt.configWithTokenizer(), seed),
                SafetensorsDtype.F32, "transformer.");
    }

    public static void write(Path dir, GptConfig config, GptWeights weights, SafetensorsDtype dtype, String prefix) {
        TinyGpt.writeTokenizer(dir);
        HfGpt2Checkpoint.write(dir, config, weights, dtype, prefix, dir);
    }
}
