package dev.semstream.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Small random GPT-2 weights for tests that must not depend on a downloaded model. */
public final class TinyGpt {
    private TinyGpt() {
    }

    /** headSize 12 is deliberately not a multiple of any vector width; vocab 61 ends in a partial panel. */
    public static GptConfig config() {
        return new GptConfig(61, 40, 48, 2, 4, 1e-5f);
    }

    public static GptWeights weights(GptConfig c, long seed) {
        Random rnd = new Random(seed);
        int d = c.dim();
        List<GptWeights.Layer> layers = new ArrayList<>();
        for (int i = 0; i < c.layers(); i++) {
            layers.add(new GptWeights.Layer(TinyBert.norm(rnd, d), TinyBert.linear(rnd, d, 3 * d),
                    TinyBert.linear(rnd, d, d), TinyBert.norm(rnd, d), TinyBert.linear(rnd, d, c.mlpDim()),
                    TinyBert.linear(rnd, c.mlpDim(), d)));
        }
        return new GptWeights(TinyBert.values(rnd, c.vocabSize() * d, 1f), TinyBert.values(rnd, c.contextLength() * d, 0.5f),
                layers, TinyBert.norm(rnd, d));
    }
}
