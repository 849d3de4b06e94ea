package dev.semstream.model;

import dev.semstream.kernels.KernelReference;
import dev.semstream.kernels.Kernels;
import dev.semstream.tokenize.ByteLevelBpeTokenizer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The attention observer sees the probabilities the engine mixes the values with (against the definition),
 * every row exactly once, and changes nothing: outputs with one attached equal those without, bit for bit.
 */
class AttentionObserverTest {
    static Stream<Kernels> kernels() {
        return Stream.of(Kernels.scalar(), Kernels.best());
    }

    /** Rows keyed by "layer/sequence/head/query", copied. */
    private static final class Rows implements AttentionObserver {
        final ConcurrentHashMap<String, float[]> rows = new ConcurrentHashMap<>();

        @Override
        public void weights(int layer, int sequence, int head, int query, float[] p, int offset, int keys) {
            float[] previous = rows.put(layer + "/" + sequence + "/" + head + "/" + query,
                    Arrays.copyOfRange(p, offset, offset + keys));
            assertEquals(null, previous, "a row reported twice");
        }

        float[] row(int layer, int sequence, int head, int query) {
            return rows.get(layer + "/" + sequence + "/" + head + "/" + query);
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void packedSelfAttentionReportsTheDefinitionsWeightsAndTheSameOutput(Kernels k) {
        int heads = AttentionTest.PACKED_HEADS;
        int hs = AttentionTest.PACKED_HEAD_SIZE;
        int h = heads * hs;
        Attention.Sequence[] seqs = AttentionTest.PACKED;
        int tokens = AttentionTest.PACKED_TOKENS;
        float[] qkv = AttentionTest.packedQkv();
        float[] plain = new float[tokens * h];
        float[] observed = new float[tokens * h];
        Attention.selfAttention(k, seqs, qkv, 3 * h, 0, h, 2 * h, plain, h, heads, hs);
        Rows rows = new Rows();
        Attention.selfAttention(k, seqs, qkv, 3 * h, 0, h, 2 * h, observed, h, heads, hs, rows, 4);
        assertArrayEquals(plain, observed);
        assertEquals(tokens * heads, rows.rows.size());
        for (int s = 0; s < seqs.length; s++) {
            for (int head = 0; head < heads; head++) {
                double[][] expected = AttentionTest.weights(qkv, 3 * h, seqs[s].start(), seqs[s].length(),
                        seqs[s].length(), head * hs, h + head * hs, hs, false);
                for (int i = 0; i < seqs[s].length(); i++) {
                    float[] row = rows.row(4, s, head, i);
                    assertEquals(seqs[s].length(), row.length);
                    assertRowIs(expected[i], row);
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void causalAttentionReportsVisibleKeysOnlyAtAbsolutePositions(Kernels k) {
        int hs = 32;
        int keys = 19;
        int stride = 3 * hs;
        float[] qkv = KernelReference.random(new Random(10), keys * stride);
        double[][] expected = AttentionTest.weights(qkv, stride, 0, keys, keys, 0, hs, hs, true);
        for (int queries : new int[]{1, 4}) { // a generated token, and a prefill over cached keys
            int firstQuery = keys - queries;
            float[] plain = new float[queries * hs];
            float[] observed = new float[queries * hs];
            Attention.attendHead(k, 0, hs, queries, keys, true,
                    qkv, firstQuery * stride, stride, qkv, hs, stride, qkv, 2 * hs, stride, plain, 0, hs);
            Rows rows = new Rows();
            Attention.attendHead(k, 0, hs, queries, keys, true, qkv, firstQuery * stride, stride, qkv, hs, stride,
                    qkv, 2 * hs, stride, observed, 0, hs, rows, 2);
            assertArrayEquals(plain, observed);
            assertEquals(queries, rows.rows.size());
            for (int i = 0; i < queries; i++) {
                int position = firstQuery + i;
                float[] row = rows.row(2, 0, 0, position);
                assertEquals(position + 1, row.length, "query at position " + position + " sees keys 0.." + position);
                assertRowIs(expected[position], row);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void theEncoderComputesTheSameHiddenStateWithAnObserver(Kernels k) {
        BertConfig c = TinyBert.config();
        BertEncoderModel model = new BertEncoderModel(c, TinyBert.weights(c, 21), k);
        int[][] batch = {{1, 5, 6, 7, 2}, {1, 9, 2}, {1, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 30, 2}};
        float[] plain = model.forward(batch);
        Rows rows = new Rows();
        float[] observed = model.forward(batch, rows, (hidden, seqs, h) -> Arrays.copyOf(hidden, plain.length));
        assertArrayEquals(plain, observed);
        assertEquals(c.numLayers() * c.numHeads() * (5 + 3 + 20), rows.rows.size());
        for (float[] row : rows.rows.values()) {
            assertSumsToOne(row);
        }
    }

    @Test
    void encoderAttentionReadsTheTextAsEmbedDoesCutToMaxTokens() {
        BertConfig c = TinyBert.config();
        Encoder encoder = new Encoder("tiny@0", EncoderTest.CHARS, new BertEncoderModel(c, TinyBert.weights(c, 21),
                Kernels.best()), EncoderOptions.defaults());
        float[] before = encoder.embed("hello there").vector();
        AttentionMap full = encoder.attention("hello there", 64);
        assertArrayEquals(EncoderTest.CHARS.encode("hello there", 64).ids(), full.ids());
        assertFalse(full.truncated());
        assertFalse(full.causal());
        assertEquals(c.numLayers(), full.layers());
        assertEquals(c.numHeads(), full.heads());
        for (float[][][] layer : full.weights()) {
            for (float[][] head : layer) {
                assertEquals(13, head.length);
                for (float[] row : head) {
                    assertSumsToOne(row);
                }
            }
        }
        AttentionMap cut = encoder.attention("hello there", 6);
        assertTrue(cut.truncated());
        assertArrayEquals(EncoderTest.CHARS.encode("hello there", 6).ids(), cut.ids());
        assertArrayEquals(before, encoder.embed("hello there").vector());
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void theDecoderComputesTheSameLogitsAndCacheWithAnObserver(Kernels k) {
        GptConfig c = TinyGpt.config();
        GptModel model = new GptModel(c, TinyGpt.weights(c, 42), k);
        int[] prompt = {3, 17, 4, 40, 9, 9, 1};
        KvCache plainCache = model.newCache(prompt.length + 1);
        KvCache observedCache = model.newCache(prompt.length + 1);
        Rows rows = new Rows();
        assertArrayEquals(model.append(plainCache, prompt), model.append(observedCache, prompt, rows));
        assertEquals(c.layers() * c.heads() * prompt.length, rows.rows.size());
        // The next token reads the cache the observed prefill filled: equal only if the cache is too.
        assertArrayEquals(model.append(plainCache, new int[]{5}), model.append(observedCache, new int[]{5}, rows));
        for (int layer = 0; layer < c.layers(); layer++) {
            for (int head = 0; head < c.heads(); head++) {
                for (int q = 0; q <= prompt.length; q++) {
                    float[] row = rows.row(layer, 0, head, q);
                    assertEquals(q + 1, row.length);
                    assertSumsToOne(row);
                }
            }
        }
    }

    @Test
    void generatorAttentionIsCausalOverThePromptsFirstTokens(@TempDir Path dir) {
        GptConfig c = TinyGpt.configWithTokenizer();
        TinyGpt.writeTokenizer(dir);
        ByteLevelBpeTokenizer tokenizer = ByteLevelBpeTokenizer.read(dir);
        GptModel model = new GptModel(c, TinyGpt.weights(c, 17), Kernels.best());
        TextGenerator generator = new TextGenerator("tiny@0", model, tokenizer);
        String prompt = "the rain in spain stays mainly in the plain";
        int[] ids = tokenizer.encode(prompt);
        AttentionMap map = generator.attention(prompt, 64);
        assertArrayEquals(ids, map.ids());
        assertTrue(map.causal());
        assertFalse(map.truncated());
        AttentionMap cut = generator.attention(prompt, 5);
        assertTrue(cut.truncated());
        assertArrayEquals(Arrays.copyOf(ids, 5), cut.ids());
        for (AttentionMap m : List.of(map, cut)) {
            for (float[][][] layer : m.weights()) {
                for (float[][] head : layer) {
                    for (int q = 0; q < head.length; q++) {
                        assertSumsToOne(head[q]);
                        for (int key = q + 1; key < head[q].length; key++) {
                            assertEquals(0f, head[q][key], "the causal mask hides key " + key + " from " + q);
                        }
                    }
                }
            }
        }
        // The first five positions see the same keys whether the prompt goes on or not.
        for (int q = 0; q < 5; q++) {
            assertArrayEquals(Arrays.copyOf(map.weights()[1][0][q], 5), cut.weights()[1][0][q], 1e-6f);
        }
        assertArrayEquals(model.append(model.newCache(ids.length), ids), generator.nextTokenLogits(ids));
    }

    private static void assertSumsToOne(float[] row) {
        double sum = 0;
        for (float p : row) {
            assertTrue(p >= 0, "a probability below 0: " + p);
            sum += p;
        }
        assertEquals(1, sum, 1e-5);
    }

    private static void assertRowIs(double[] expected, float[] row) {
        assertEquals(expected.length, row.length);
        for (int j = 0; j < row.length; j++) {
            assertEquals(expected[j], row[j], 1e-5, "key " + j);
        }
    }
}
