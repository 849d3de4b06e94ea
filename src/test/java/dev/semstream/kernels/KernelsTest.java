package dev.semstream.kernels;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Both kernel implementations against plain double-precision definitions, on shapes that hit every
 * edge: row counts that are not a multiple of the micro-kernel's rows, widths that end in a partial
 * panel, lengths shorter than one vector.
 */
class KernelsTest {

    static Stream<Kernels> kernels() {
        return Stream.of(Kernels.scalar(), Kernels.best());
    }

    @Test
    void vectorKernelsAreChosenWhenTheModuleIsPresent() {
        // Surefire runs with --add-modules jdk.incubator.vector, so this must be the SIMD path.
        assertTrue(Kernels.best().name().startsWith("vector-"), "best kernels were " + Kernels.best().name());
        assertEquals("scalar", Kernels.scalar().name());
    }

    @Test
    void theWidthIsTheMachinesUnlessSetAndBothKernelSetsAgree() {
        // -Dsemstream.simd.bits picks the width (the simd-256 and simd-512 surefire runs); otherwise the
        // machine's preferred one. The transformer and the search kernels always run at the same width.
        String bits = System.getProperty("semstream.simd.bits", "");
        String expected = bits.isEmpty()
                ? "vector-" + FloatVector.SPECIES_PREFERRED.vectorBitSize() : "vector-" + bits;
        assertEquals(expected, Kernels.best().name());
        assertEquals(expected, SearchKernels.best().name());
    }

    @Test
    void anUnknownWidthIsRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> VectorWidth.choose("384"));
        assertTrue(e.getMessage().contains("semstream.simd.bits"), e.getMessage());
    }

    static Stream<Arguments> gemmShapes() {
        return kernels().flatMap(k -> Stream.of(
                Arguments.of(k, 1, 1, 1), Arguments.of(k, 1, 384, 384), Arguments.of(k, 3, 7, 5),
                Arguments.of(k, 2, 32, 64), Arguments.of(k, 4, 32, 32), Arguments.of(k, 5, 33, 47),
                Arguments.of(k, 6, 40, 64), Arguments.of(k, 7, 16, 96), Arguments.of(k, 13, 64, 1152),
                Arguments.of(k, 14, 24, 80), Arguments.of(k, 15, 48, 64),
                Arguments.of(k, 70, 129, 100), Arguments.of(k, 131, 96, 48)));
    }

    @ParameterizedTest(name = "{0} {1}x{2}x{3}")
    @MethodSource("gemmShapes")
    void aTileReadsAndWritesColumnBlocksOfWiderMatrices(Kernels k, int rows, int depth, int cols) {
        // x's rows and out's rows are a block of columns in wider matrices (attention's in-place use):
        // the tile reads only its block, and writes only its block.
        Random rnd = new Random(rows * 13L + depth * 5L + cols);
        int xStride = depth + 7;
        int outStride = cols + 5;
        float[] x = KernelReference.random(rnd, 2 + rows * xStride);
        float[] w = KernelReference.random(rnd, depth * cols);
        PackedMatrix packed = k.pack(w, depth, cols);
        float[] out = KernelReference.random(new Random(3), 1 + rows * outStride);
        float[] expected = out.clone();
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                double s = 0;
                for (int i = 0; i < depth; i++) {
                    s += (double) x[2 + r * xStride + i] * w[i * cols + c];
                }
                expected[1 + r * outStride + c] = (float) s;
            }
        }
        k.gemmTile(x, 2, xStride, 0, rows, packed, 0, packed.panels(), null, out, 1, outStride, Epilogue.STORE);
        KernelReference.assertClose(expected, out, 2e-5f * (float) Math.sqrt(depth), k.name() + " strided tile");
    }

    @ParameterizedTest(name = "{0} {1}x{2}x{3}")
    @MethodSource("gemmShapes")
    void gemmMatchesDefinitionForEveryEpilogue(Kernels k, int rows, int depth, int cols) {
        Random rnd = new Random(rows * 31L + depth * 7L + cols);
        float[] x = KernelReference.random(rnd, rows * depth + 3);
        float[] w = KernelReference.random(rnd, depth * cols);
        float[] bias = KernelReference.random(rnd, cols);
        PackedMatrix packed = k.pack(w, depth, cols);
        for (Epilogue e : Epilogue.values()) {
            float[] out = KernelReference.random(new Random(5), rows * cols + 2);
            float[] expected = out.clone();
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    double s = bias[c];
                    for (int i = 0; i < depth; i++) {
                        s += (double) x[3 + r * depth + i] * w[i * cols + c];
                    }
                    int o = 2 + r * cols + c;
                    expected[o] = switch (e) {
                        case STORE -> (float) s;
                        case GELU -> (float) KernelReference.gelu(s);
                        case GELU_TANH -> (float) KernelReference.geluTanh(s);
                        case ACCUMULATE -> (float) (expected[o] + s);
                    };
                }
            }
            k.gemm(x, 3, rows, packed, bias, out, 2, e);
            KernelReference.assertClose(expected, out, 2e-5f * (float) Math.sqrt(depth), k + " " + e);
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void gemmWithoutBias(Kernels k) {
        Random rnd = new Random(1);
        float[] x = KernelReference.random(rnd, 6 * 10);
        float[] w = KernelReference.random(rnd, 10 * 20);
        float[] out = new float[6 * 20];
        k.gemm(x, 0, 6, k.pack(w, 10, 20), null, out, 0, Epilogue.STORE);
        for (int r = 0; r < 6; r++) {
            for (int c = 0; c < 20; c++) {
                double s = 0;
                for (int i = 0; i < 10; i++) {
                    s += x[r * 10 + i] * w[i * 20 + c];
                }
                assertEquals(s, out[r * 20 + c], 1e-5);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void geluIsTheErfFormToWithinFloatRounding(Kernels k) {
        float[] x = new float[2001];
        for (int i = 0; i < x.length; i++) {
            x[i] = -10f + i * 0.01f;
        }
        float[] y = x.clone();
        k.gelu(y, 0, y.length);
        for (int i = 0; i < x.length; i++) {
            assertEquals(KernelReference.gelu(x[i]), y[i], 3e-7 * Math.max(1, Math.abs(x[i])), "gelu(" + x[i] + ")");
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void geluTanhIsTheTanhFormToWithinFloatRounding(Kernels k) {
        float[] x = new float[4001];
        for (int i = 0; i < x.length; i++) {
            x[i] = -20f + i * 0.01f;
        }
        float[] extremes = {-1e30f, -100f, -0f, 0f, 1e-30f, 100f, 1e30f, Float.MAX_VALUE};
        float[] all = java.util.Arrays.copyOf(x, x.length + extremes.length);
        System.arraycopy(extremes, 0, all, x.length, extremes.length);
        float[] y = all.clone();
        k.geluTanh(y, 0, y.length);
        for (int i = 0; i < all.length; i++) {
            assertEquals(KernelReference.geluTanh(all[i]), y[i], 5e-7 * Math.max(1, Math.abs(all[i])), "gelu_tanh(" + all[i] + ")");
        }
        // It is not the erf form: the two differ by ~1e-4 at x = 2, well above the tolerance used here.
        float[] erf = {2f};
        k.gelu(erf, 0, 1);
        float[] tanh = {2f};
        k.geluTanh(tanh, 0, 1);
        assertTrue(Math.abs(erf[0] - tanh[0]) > 5e-5, "erf " + erf[0] + " tanh " + tanh[0]);
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void layerNormMatchesDefinition(Kernels k) {
        Random rnd = new Random(2);
        for (int n : new int[]{1, 7, 16, 33, 384, 1000}) {
            float[] x = KernelReference.random(rnd, n + 5);
            float[] gamma = KernelReference.random(rnd, n);
            float[] beta = KernelReference.random(rnd, n);
            float[] y = x.clone();
            k.layerNorm(y, 5, gamma, beta, 1e-12f);
            double mean = 0;
            for (int i = 0; i < n; i++) {
                mean += x[5 + i];
            }
            mean /= n;
            double var = 0;
            for (int i = 0; i < n; i++) {
                var += (x[5 + i] - mean) * (x[5 + i] - mean);
            }
            var /= n;
            for (int i = 0; i < n; i++) {
                double expected = (x[5 + i] - mean) / Math.sqrt(var + 1e-12) * gamma[i] + beta[i];
                assertEquals(expected, y[5 + i], n == 1 ? 1e-3 : 2e-5, "n=" + n + " i=" + i);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void softmaxIsStableAndSumsToOne(Kernels k) {
        Random rnd = new Random(3);
        for (int n : new int[]{1, 5, 16, 17, 250}) {
            float[] x = KernelReference.random(rnd, n);
            x[0] = 1000f; // would overflow exp without the max subtraction
            float[] y = x.clone();
            float logSumExp = k.softmax(y, 0, n);
            double max = Double.NEGATIVE_INFINITY;
            for (float v : x) {
                max = Math.max(max, v);
            }
            double sum = 0;
            for (float v : x) {
                sum += Math.exp(v - max);
            }
            assertEquals(max + Math.log(sum), logSumExp, 1e-4, "log-sum-exp, n=" + n);
            double total = 0;
            for (int i = 0; i < n; i++) {
                assertEquals(Math.exp(x[i] - max) / sum, y[i], 1e-6);
                total += y[i];
            }
            assertEquals(1.0, total, 1e-5);
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void geluTanhBackwardMultipliesByTheDerivative(Kernels k) {
        // Against a central difference of the double-precision definition, over the range activations take.
        float[] pre = new float[401];
        for (int i = 0; i < pre.length; i++) {
            pre[i] = (i - 200) / 25f;
        }
        float[] grad = KernelReference.random(new Random(8), pre.length + 3);
        float[] expected = grad.clone();
        k.geluTanhBackward(pre, 0, grad, 3, pre.length);
        double h = 1e-5;
        for (int i = 0; i < pre.length; i++) {
            double slope = (KernelReference.geluTanh(pre[i] + h) - KernelReference.geluTanh(pre[i] - h)) / (2 * h);
            assertEquals(expected[3 + i] * slope, grad[3 + i], 2e-6 * Math.max(1, Math.abs(expected[3 + i])),
                    "gelu_tanh'(" + pre[i] + ")");
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void vectorPrimitivesMatchDefinition(Kernels k) {
        Random rnd = new Random(4);
        for (int n : new int[]{1, 15, 16, 31, 32, 100}) {
            float[] a = KernelReference.random(rnd, n + 1);
            float[] b = KernelReference.random(rnd, n + 2);
            double dot = 0;
            for (int i = 0; i < n; i++) {
                dot += a[1 + i] * b[2 + i];
            }
            assertEquals(dot, k.dot(a, 1, b, 2, n), 1e-4);
            float[] y = b.clone();
            k.axpy(0.5f, a, 1, y, 2, n);
            float[] z = b.clone();
            k.add(a, 1, z, 2, n);
            float[] s = b.clone();
            k.scale(s, 2, n, -3f);
            for (int i = 0; i < n; i++) {
                assertEquals(b[2 + i] + 0.5f * a[1 + i], y[2 + i], 1e-6);
                assertEquals(b[2 + i] + a[1 + i], z[2 + i], 1e-6);
                assertEquals(-3f * b[2 + i], s[2 + i], 1e-6);
            }
            assertEquals(b[0], y[0]);
            assertEquals(b[1], y[1]);
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void scoreKeysAndMixValuesMatchDefinition(Kernels k) {
        Random rnd = new Random(6);
        int headSize = 32;
        for (int n : new int[]{1, 9, 32, 33, 70}) {
            float[] q = KernelReference.random(rnd, headSize + 4);
            float[] kt = KernelReference.random(rnd, headSize * n);
            float[] scores = new float[n];
            k.scoreKeys(q, 4, headSize, kt, n, scores, n);
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int d = 0; d < headSize; d++) {
                    s += q[4 + d] * kt[d * n + j];
                }
                assertEquals(s, scores[j], 1e-4, "score " + j);
            }
            int vStride = 3 * headSize;
            float[] v = KernelReference.random(rnd, 1 + n * vStride);
            float[] out = new float[headSize + 2];
            k.mixValues(scores, n, v, 1, vStride, out, 2, headSize);
            for (int d = 0; d < headSize; d++) {
                double s = 0;
                for (int j = 0; j < n; j++) {
                    s += scores[j] * v[1 + j * vStride + d];
                }
                assertEquals(s, out[2 + d], 1e-3, "value " + d);
            }
        }
    }
}
