package dev.semstream.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Small random BERT checkpoints for tests that must not depend on a downloaded model. */
final class TinyBert {
    private TinyBert() {
    }

    static BertConfig config() {
        // headSize 12 is deliberately not a multiple of any vector width.
        return new BertConfig(50, 48, 2, 4, 80, 40, 2, 1e-12f);
    }

    static BertWeights weights(BertConfig c, long seed) {
        Random rnd = new Random(seed);
        int h = c.hiddenSize();
        List<BertWeights.Layer> layers = new ArrayList<>();
        for (int i = 0; i < c.numLayers(); i++) {
            layers.add(new BertWeights.Layer(
                    linear(rnd, h, h), linear(rnd, h, h), linear(rnd, h, h), linear(rnd, h, h), norm(rnd, h),
                    linear(rnd, h, c.intermediateSize()), linear(rnd, c.intermediateSize(), h), norm(rnd, h)));
        }
        return new BertWeights(values(rnd, c.vocabSize() * h, 1f), values(rnd, c.maxPositions() * h, 0.5f),
                values(rnd, c.typeVocabSize() * h, 0.5f), norm(rnd, h), layers);
    }

    static Linear linear(Random rnd, int in, int out) {
        return new Linear(values(rnd, in * out, (float) (1 / Math.sqrt(in))), values(rnd, out, 0.1f), in, out);
    }

    static Norm norm(Random rnd, int n) {
        float[] g = values(rnd, n, 0.1f);
        for (int i = 0; i < n; i++) {
            g[i] += 1f;
        }
        return new Norm(g, values(rnd, n, 0.1f));
    }

    static float[] values(Random rnd, int n, float scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) rnd.nextGaussian() * scale;
        }
        return a;
    }
}
