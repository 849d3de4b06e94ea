package dev.semstream.model;

import dev.semstream.kernels.KernelReference;
import dev.semstream.kernels.Kernels;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Both attention paths against the definition, with and without the causal mask. */
class AttentionTest {
    static Stream<Kernels> kernels() {
        return Stream.of(Kernels.scalar(), Kernels.best());
    }

    /** Three packed texts: one token, a long one past a panel width, a short one; three heads of 20. */
    static final Attention.Sequence[] PACKED = {new Attention.Sequence(0, 1), new Attention.Sequence(1, 37),
            new Attention.Sequence(38, 5)};
    static final int PACKED_TOKENS = 43;
    static final int PACKED_HEADS = 3;
    static final int PACKED_HEAD_SIZE = 20;

    /** The packed texts' fused [tokens][3 x hidden] QKV matrix. */
    static float[] packedQkv() {
        return KernelReference.random(new Random(9), PACKED_TOKENS * 3 * PACKED_HEADS * PACKED_HEAD_SIZE);
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void packedSelfAttentionMatchesDefinition(Kernels k) {
        int heads = PACKED_HEADS;
        int hs = PACKED_HEAD_SIZE;
        int h = heads * hs;
        Attention.Sequence[] seqs = PACKED;
        int tokens = PACKED_TOKENS;
        float[] qkv = packedQkv();
        float[] out = new float[tokens * h];
        Attention.selfAttention(k, seqs, qkv, 3 * h, 0, h, 2 * h, out, h, heads, hs);
        for (Attention.Sequence s : seqs) {
            for (int head = 0; head < heads; head++) {
                double[][] expected = reference(qkv, 3 * h, s.start(), s.length(), s.length(), head * hs,
                        h + head * hs, 2 * h + head * hs, hs, false);
                for (int i = 0; i < s.length(); i++) {
                    for (int d = 0; d < hs; d++) {
                        assertEquals(expected[i][d], out[(s.start() + i) * h + head * hs + d], 1e-5);
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void causalAttentionOverCachedKeysMatchesDefinition(Kernels k) {
        int hs = 32;
        int keys = 19;
        int queries = 4; // the last 4 positions; the first 15 keys come from a cache
        int stride = 3 * hs;
        float[] qkv = KernelReference.random(new Random(10), keys * stride);
        float[] out = new float[queries * hs];
        int firstQuery = keys - queries;
        Attention.attendHead(k, 0, hs, queries, keys, true,
                qkv, firstQuery * stride, stride, qkv, hs, stride, qkv, 2 * hs, stride, out, 0, hs);
        double[][] expected = reference(qkv, stride, 0, keys, keys, 0, hs, 2 * hs, hs, true);
        for (int i = 0; i < queries; i++) {
            for (int d = 0; d < hs; d++) {
                assertEquals(expected[firstQuery + i][d], out[i * hs + d], 1e-5, "query " + i + " dim " + d);
            }
        }
    }

    /** softmax(q k / sqrt(d)) v for every query of rows [start, start + n), causal if asked. */
    static double[][] reference(float[] m, int stride, int start, int n, int keys, int qCol, int kCol, int vCol,
                                int hs, boolean causal) {
        double[][] p = weights(m, stride, start, n, keys, qCol, kCol, hs, causal);
        double[][] out = new double[n][hs];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < p[i].length; j++) {
                for (int d = 0; d < hs; d++) {
                    out[i][d] += p[i][j] * m[(start + j) * stride + vCol + d];
                }
            }
        }
        return out;
    }

    /** softmax(q k / sqrt(d)) for every query of rows [start, start + n), over the keys it may see. */
    static double[][] weights(float[] m, int stride, int start, int n, int keys, int qCol, int kCol, int hs,
                              boolean causal) {
        double[][] out = new double[n][];
        for (int i = 0; i < n; i++) {
            int visible = causal ? i + 1 : keys;
            double[] s = new double[visible];
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < visible; j++) {
                for (int d = 0; d < hs; d++) {
                    s[j] += (double) m[(start + i) * stride + qCol + d] * m[(start + j) * stride + kCol + d];
                }
                s[j] /= Math.sqrt(hs);
                max = Math.max(max, s[j]);
            }
            double sum = 0;
            for (int j = 0; j < visible; j++) {
                s[j] = Math.exp(s[j] - max);
                sum += s[j];
            }
            for (int j = 0; j < visible; j++) {
                s[j] /= sum;
            }
            out[i] = s;
        }
        return out;
    }
}
