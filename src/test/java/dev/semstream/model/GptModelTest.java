package dev.semstream.model;

import dev.semstream.kernels.KernelReference;
import dev.semstream.kernels.Kernels;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The decoder against a double-precision GPT-2 written from the definition, and the cache against re-runs. */
class GptModelTest {
    private static final GptConfig CONFIG = TinyGpt.config();
    private static final GptWeights WEIGHTS = TinyGpt.weights(CONFIG, 42);

    static Stream<Kernels> kernels() {
        return Stream.of(Kernels.scalar(), Kernels.best());
    }

    private static int[] randomTokens(int n, long seed) {
        Random rnd = new Random(seed);
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = rnd.nextInt(CONFIG.vocabSize());
        }
        return ids;
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void logitsAtEveryPositionMatchTheReference(Kernels k) {
        GptModel model = new GptModel(CONFIG, WEIGHTS, k);
        for (int n : new int[]{1, 2, 7, 33, CONFIG.contextLength()}) {
            int[] ids = randomTokens(n, n);
            float[] logits = model.appendAllLogits(model.newCache(n), ids);
            double[][] expected = ReferenceGpt.logits(CONFIG, WEIGHTS, ids);
            for (int t = 0; t < n; t++) {
                for (int v = 0; v < CONFIG.vocabSize(); v++) {
                    double e = expected[t][v];
                    assertEquals(e, logits[t * CONFIG.vocabSize() + v], 1e-4 * Math.max(1, Math.abs(e)),
                            k.name() + " n=" + n + " position " + t + " token " + v);
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void tokenByTokenWithTheCacheEqualsAFullRerun(Kernels k) {
        GptModel model = new GptModel(CONFIG, WEIGHTS, k);
        int[] ids = randomTokens(CONFIG.contextLength(), 7);
        KvCache cache = model.newCache(CONFIG.contextLength());
        for (int n = 1; n <= ids.length; n++) {
            float[] cached = model.append(cache, new int[]{ids[n - 1]});
            float[] rerun = model.append(model.newCache(n), Arrays.copyOf(ids, n));
            assertEquals(n, cache.length());
            KernelReference.assertClose(rerun, cached, 1e-4f, k.name() + " after " + n + " tokens");
        }
    }

    @Test
    void prefillThenGenerateEqualsOneBatch() {
        GptModel model = new GptModel(CONFIG, WEIGHTS, Kernels.best());
        int[] ids = randomTokens(30, 3);
        float[] all = model.appendAllLogits(model.newCache(30), ids);
        KvCache cache = model.newCache(30);
        // A 17-token prompt in one batch, then 13 tokens one by one.
        float[] afterPrompt = model.append(cache, Arrays.copyOf(ids, 17));
        KernelReference.assertClose(Arrays.copyOfRange(all, 16 * 61, 17 * 61), afterPrompt, 1e-4f, "prefill");
        for (int i = 17; i < 30; i++) {
            float[] next = model.append(cache, new int[]{ids[i]});
            KernelReference.assertClose(Arrays.copyOfRange(all, i * 61, (i + 1) * 61), next, 1e-4f, "position " + i);
        }
    }

    @Test
    void aClearedCacheServesTheNextSequence() {
        GptModel model = new GptModel(CONFIG, WEIGHTS, Kernels.best());
        KvCache cache = model.newCache(20);
        model.append(cache, randomTokens(20, 1));
        cache.clear();
        int[] ids = randomTokens(9, 2);
        KernelReference.assertClose(model.append(model.newCache(9), ids), model.append(cache, ids), 1e-6f, "after clear");
    }

    @Test
    void positionsMatter() {
        // The same token at two positions gives different logits: the position embeddings are read.
        GptModel model = new GptModel(CONFIG, WEIGHTS, Kernels.best());
        float[] first = model.append(model.newCache(2), new int[]{5});
        float[] second = model.appendAllLogits(model.newCache(2), new int[]{5, 5});
        float[] atPosition1 = Arrays.copyOfRange(second, 61, 122);
        assertTrue(!Arrays.equals(first, atPosition1));
    }

    @Test
    void badInputsAreClearErrors() {
        GptModel model = new GptModel(CONFIG, WEIGHTS, Kernels.best());
        KvCache cache = model.newCache(4);
        assertThrows(IllegalArgumentException.class, () -> model.append(cache, new int[0]));
        IllegalArgumentException outside = assertThrows(IllegalArgumentException.class,
                () -> model.append(cache, new int[]{61}));
        assertTrue(outside.getMessage().contains("outside the vocabulary"), outside.getMessage());
        model.append(cache, new int[]{1, 2, 3});
        IllegalArgumentException full = assertThrows(IllegalArgumentException.class,
                () -> model.append(cache, new int[]{1, 2}));
        assertTrue(full.getMessage().contains("cache holding 3 of 4"), full.getMessage());
        assertEquals(3, cache.length(), "a refused call leaves the cache as it was");
        assertThrows(IllegalArgumentException.class, () -> model.newCache(CONFIG.contextLength() + 1));
    }

    @Test
    void configAndWeightsAreValidated() {
        assertThrows(ModelException.class, () -> new GptConfig(10, 10, 50, 1, 4, 1e-5f));
        GptConfig other = new GptConfig(61, 40, 48, 3, 4, 1e-5f);
        ModelException e = assertThrows(ModelException.class, () -> new GptModel(other, WEIGHTS, Kernels.best()));
        assertTrue(e.getMessage().contains("number of layers"), e.getMessage());
        assertEquals(124_439_808L, GptConfig.gpt2Small().parameterCount());
    }
}
