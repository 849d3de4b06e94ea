package dev.semstream.kernels;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Random;
import java.util.stream.Stream;

/**
 * The backward pass's GEMMs, on both kernel implementations, against double-precision definitions: the input
 * gradient {@code dX = dY W^T} through a transposed pack, the weight gradient {@code dW += X^T dY}, and packing
 * into a reused buffer that a larger matrix used before (its stale values must not leak into the padding).
 */
class TransposedGemmTest {

    static Stream<Arguments> shapes() {
        return KernelsTest.kernels().flatMap(k -> Stream.of(
                Arguments.of(k, 1, 1, 1), Arguments.of(k, 3, 7, 5), Arguments.of(k, 6, 16, 48),
                Arguments.of(k, 13, 33, 47), Arguments.of(k, 70, 129, 100), Arguments.of(k, 200, 64, 192)));
    }

    @ParameterizedTest(name = "{0} {1}x{2}x{3}")
    @MethodSource("shapes")
    void theInputGradientMultipliesByTheTransposedWeight(Kernels k, int rows, int in, int out) {
        Random rnd = new Random(rows * 31L + in * 7L + out);
        float[] w = KernelReference.random(rnd, in * out);
        float[] dy = KernelReference.random(rnd, rows * out);
        float[] data = dirty(k.packBuffer(in + 3, out + 40));
        PackedMatrix wt = k.packTransposedInto(w, 0, out, in, out, data);
        float[] dx = new float[rows * in];
        k.gemm(dy, 0, rows, wt, null, dx, 0, Epilogue.STORE);
        float[] expected = new float[rows * in];
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < in; i++) {
                double s = 0;
                for (int o = 0; o < out; o++) {
                    s += (double) dy[r * out + o] * w[i * out + o];
                }
                expected[r * in + i] = (float) s;
            }
        }
        KernelReference.assertClose(expected, dx, 1e-4f, "dX");
    }

    @ParameterizedTest(name = "{0} {1}x{2}x{3}")
    @MethodSource("shapes")
    void theWeightGradientAccumulatesTheTransposedInputTimesTheOutputGradient(Kernels k, int rows, int in, int out) {
        Random rnd = new Random(rows * 17L + in * 3L + out);
        float[] x = KernelReference.random(rnd, 5 + rows * in);
        float[] dy = KernelReference.random(rnd, 2 + rows * out);
        float[] dw = KernelReference.random(rnd, in * out);
        float[] expected = new float[in * out];
        for (int i = 0; i < in; i++) {
            for (int o = 0; o < out; o++) {
                double s = dw[i * out + o];
                for (int r = 0; r < rows; r++) {
                    s += (double) x[5 + r * in + i] * dy[2 + r * out + o];
                }
                expected[i * out + o] = (float) s;
            }
        }
        float[] xt = dirty(new float[in * rows + 11]);
        float[] packed = dirty(k.packBuffer(rows + 9, out + 33));
        k.gemmTransposedA(x, 5, dy, 2, rows, in, out, dw, xt, packed);
        KernelReference.assertClose(expected, dw, 1e-4f, "dW");
    }

    @ParameterizedTest(name = "{0} {1}x{2}x{3}")
    @MethodSource("shapes")
    void packingIntoAReusedBufferMatchesAFreshPack(Kernels k, int rows, int in, int out) {
        float[] w = KernelReference.random(new Random(rows + in + out), rows * (out + 4));
        PackedMatrix fresh = k.pack(stridedCopy(w, rows, out, out + 4), rows, out);
        PackedMatrix reused = k.packInto(w, 0, out + 4, rows, out, dirty(k.packBuffer(rows + 5, out + 50)));
        for (int i = 0; i < fresh.data().length; i++) {
            if (fresh.data()[i] != reused.data()[i]) {
                throw new AssertionError("packed value " + i + ": " + fresh.data()[i] + " vs " + reused.data()[i]);
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}x{2}x{3}")
    @MethodSource("shapes")
    void aTileOverPartOfTheDepthIgnoresTheRest(Kernels k, int rows, int in, int out) {
        // The causal products: x's columns past depth are garbage the tile must not read.
        int depth = Math.max(1, in / 2);
        Random rnd = new Random(rows + 5L * in + 11L * out);
        float[] x = KernelReference.random(rnd, rows * in);
        float[] w = KernelReference.random(rnd, in * out);
        for (int r = 0; r < rows; r++) {
            java.util.Arrays.fill(x, r * in + depth, (r + 1) * in, Float.NaN);
        }
        float[] y = new float[rows * out];
        k.gemmTile(x, 0, in, 0, rows, k.pack(w, in, out), depth, 0, (out + k.panelWidth() - 1) / k.panelWidth(),
                null, y, 0, out, Epilogue.STORE);
        float[] expected = new float[rows * out];
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < out; o++) {
                double sum = 0;
                for (int i = 0; i < depth; i++) {
                    sum += (double) x[r * in + i] * w[i * out + o];
                }
                expected[r * out + o] = (float) sum;
            }
        }
        KernelReference.assertClose(expected, y, 1e-4f, "depth " + depth);
    }

    @ParameterizedTest(name = "{0} {1}x{2}x{3}")
    @MethodSource("shapes")
    void aNegativeStrideTransposesTheRowsLastToFirst(Kernels k, int rows, int in, int out) {
        float[] src = KernelReference.random(new Random(rows * 3L + in), rows * in);
        float[] dst = new float[rows * in];
        k.transpose(src, (rows - 1) * in, -in, rows, in, dst);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < in; c++) {
                if (dst[c * rows + r] != src[(rows - 1 - r) * in + c]) {
                    throw new AssertionError("dst[" + c + "][" + r + "]");
                }
            }
        }
    }

    private static float[] stridedCopy(float[] w, int rows, int cols, int stride) {
        float[] out = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(w, r * stride, out, r * cols, cols);
        }
        return out;
    }

    /** Fills a buffer with garbage, as a previous step would have left it. */
    private static float[] dirty(float[] a) {
        java.util.Arrays.fill(a, Float.NaN);
        return a;
    }
}
