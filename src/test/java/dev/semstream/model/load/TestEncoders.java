package dev.semstream.model.load;

import dev.semstream.model.BertConfig;
import dev.semstream.model.BertWeights;
import dev.semstream.model.Linear;
import dev.semstream.model.Norm;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Small random encoders and weight comparisons shared by the loader tests. */
final class TestEncoders {
    /** hidden 32, 2 layers, 4 heads, vocab 100: every code path of a real BERT, a few KB of weights. */
    static final BertConfig TINY = new BertConfig(100, 32, 2, 4, 64, 16, 2, 1e-12f);
    static final byte[] TOKENIZER = "{\"version\":\"1.0\",\"model\":{\"type\":\"WordPiece\"}}"
            .getBytes(StandardCharsets.UTF_8);

    private TestEncoders() {
    }

    static LoadedEncoder tiny(long seed) {
        return new LoadedEncoder("tiny", TINY, random(TINY, seed, x -> x), TOKENIZER);
    }

    /** Random weights, each value passed through {@code round} (e.g. to make them exactly representable in F16). */
    static BertWeights random(BertConfig c, long seed, DoubleUnaryOperator round) {
        SplittableRandom r = new SplittableRandom(seed);
        int h = c.hiddenSize();
        int i = c.intermediateSize();
        List<BertWeights.Layer> layers = new ArrayList<>();
        for (int l = 0; l < c.numLayers(); l++) {
            layers.add(new BertWeights.Layer(linear(r, h, h, round), linear(r, h, h, round), linear(r, h, h, round),
                    linear(r, h, h, round), norm(r, h, round), linear(r, h, i, round), linear(r, i, h, round),
                    norm(r, h, round)));
        }
        BertWeights w = new BertWeights(values(r, c.vocabSize() * h, round), values(r, c.maxPositions() * h, round),
                values(r, c.typeVocabSize() * h, round), norm(r, h, round), layers);
        w.validate(c);
        return w;
    }

    static float roundToF16(double x) {
        return HalfFloats.f16ToFloat(HalfFloats.floatToF16((float) x));
    }

    static float roundToBf16(double x) {
        return HalfFloats.bf16ToFloat(HalfFloats.floatToBf16((float) x));
    }

    /** Asserts every tensor equal, bit for bit, naming the first that differs. */
    static void assertSameWeights(BertConfig c, BertWeights expected, BertWeights actual) {
        for (ModelParameter<BertWeights> p : BertParameters.of(c)) {
            assertArrayEquals(p.values().apply(expected), p.values().apply(actual), p.name());
        }
    }

    static void assertSameEncoder(LoadedEncoder expected, LoadedEncoder actual) {
        assertEquals(expected.config(), actual.config());
        assertSameWeights(expected.config(), expected.weights(), actual.weights());
        assertArrayEquals(expected.tokenizerJson(), actual.tokenizerJson());
    }

    private static Linear linear(SplittableRandom r, int in, int out, DoubleUnaryOperator round) {
        return new Linear(values(r, in * out, round), values(r, out, round), in, out);
    }

    private static Norm norm(SplittableRandom r, int n, DoubleUnaryOperator round) {
        float[] gamma = values(r, n, round);
        for (int i = 0; i < n; i++) {
            gamma[i] = (float) round.applyAsDouble(1 + gamma[i]);
        }
        return new Norm(gamma, values(r, n, round));
    }

    private static float[] values(SplittableRandom r, int n, DoubleUnaryOperator round) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) round.applyAsDouble(r.nextGaussian() * 0.1);
        }
        return v;
    }
}
