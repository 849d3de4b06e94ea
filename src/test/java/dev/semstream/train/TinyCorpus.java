package dev.semstream.train;

import dev.semstream.model.GptConfig;
import dev.semstream.model.TinyGpt;
import dev.semstream.tokenize.ByteLevelBpeTokenizer;

import java.nio.file.Path;

/** A short English text under the tiny test tokenizer, and a model shape that fits it, for training tests. */
final class TinyCorpus {
    static final String TEXT = "In the beginning God created the heaven and the earth. And the earth was without form,"
            + " and void; and darkness was upon the face of the deep. And the Spirit of God moved upon the face of the"
            + " waters. And God said, Let there be light: and there was light. And God saw the light, that it was good:"
            + " and God divided the light from the darkness.";

    private TinyCorpus() {
    }

    /** Writes the tokenizer into {@code dir} and returns the text's ids under it. */
    static TokenCorpus tokenised(Path dir) {
        TinyGpt.writeTokenizer(dir);
        return new TokenCorpus(ByteLevelBpeTokenizer.read(dir).encode(TEXT));
    }

    /** The tokenizer's 267 ids, a context of 16, two layers of two heads, width 32. */
    static GptConfig config() {
        return new GptConfig(TinyGpt.configWithTokenizer().vocabSize(), 16, 32, 2, 2, 1e-5f);
    }
}
