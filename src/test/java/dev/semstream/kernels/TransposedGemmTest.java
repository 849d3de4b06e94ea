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
