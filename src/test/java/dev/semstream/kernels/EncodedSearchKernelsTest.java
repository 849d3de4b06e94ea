package dev.semstream.kernels;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The scans over int8 and bf16 codes, scalar and SIMD, over the same shapes as the float scans: four-row passes
 * and their remainder, vector tails, rows contiguous or scattered. Int8 against int8 is integer arithmetic, so
 * it must equal the exact sum to the bit; bf16 against a float query is held to a double-precision definition.
 */
class EncodedSearchKernelsTest {

    static Stream<Arguments> shapes() {
        return Stream.of(SearchKernels.scalar(), SearchKernels.best()).flatMap(k -> Stream.of(
                Arguments.of(k, 1, 1), Arguments.of(k, 3, 5), Arguments.of(k, 4, 16), Arguments.of(k, 5, 17),
                Arguments.of(k, 9, 384), Arguments.of(k, 12, 385), Arguments.of(k, 7, 33)));
    }

    /** Random int8 codes in [-127, 127], the range the column writes and the kernels require. */
    static byte[] codes(Random rnd, int n) {
        byte[] codes = new byte[n];
        for (int i = 0; i < n; i++) {
            codes[i] = (byte) (rnd.nextInt(255) - 127);
        }
        return codes;
    }

    @ParameterizedTest(name = "{0} rows={1} dim={2}")
    @MethodSource("shapes")
    void int8ScansAreExactIntegerDots(SearchKernels k, int rows, int dim) {
        Random rnd = new Random(rows * 1000L + dim);
        byte[] q = codes(rnd, dim + 3);
        byte[] slab = codes(rnd, rows * dim + 5);
        // The extremes, where a short product or a narrow sum would overflow: 127 * 127 and -127 * 127.
        Arrays.fill(q, 3, 3 + Math.min(dim, 40), (byte) 127);
        Arrays.fill(slab, 5, 5 + Math.min(dim, 40), (byte) -127);
        float[] out = new float[rows + 2];
        k.dotInt8Rows(q, 3, slab, 5, rows, dim, out, 2);
        byte[][] scattered = new byte[rows][];
        int[] offsets = new int[rows];
        for (int r = 0; r < rows; r++) {
            // Each row in an array of its own at its own offset, in reverse, as a graph node's neighbours lie.
            offsets[r] = r % 3;
            scattered[r] = new byte[offsets[r] + dim];
            System.arraycopy(slab, 5 + (rows - 1 - r) * dim, scattered[r], offsets[r], dim);
        }
        float[] gathered = new float[rows];
        k.dotInt8Gathered(q, 3, scattered, offsets, rows, dim, gathered);
        for (int r = 0; r < rows; r++) {
            long dot = 0;
            for (int i = 0; i < dim; i++) {
                dot += (long) q[3 + i] * slab[5 + r * dim + i];
            }
            assertEquals(dot, k.dotInt8(q, 3, slab, 5 + r * dim, dim), "one row " + r);
            assertEquals((float) dot, out[2 + r], "dot of row " + r);
            assertEquals((float) dot, gathered[rows - 1 - r], "gathered row " + r);
        }
        assertEquals(0f, out[0], "the scan wrote before its output offset");
    }

    @Test
    void int8DotsOfTheLargestCodesAtTheLargestDimensionAreExact() {
        int dim = 1040; // 127 * 127 * 1040 < 2^24: the largest dimension whose sums a float holds exactly
        byte[] q = new byte[dim];
        byte[] rows = new byte[5 * dim];
        Arrays.fill(q, (byte) -127);
        Arrays.fill(rows, (byte) -127);
        float[] out = new float[5];
        SearchKernels.best().dotInt8Rows(q, 0, rows, 0, 5, dim, out, 0);
        for (int r = 0; r < 5; r++) {
            assertEquals(127f * 127 * dim, out[r], "row " + r);
        }
    }

    @ParameterizedTest(name = "{0} rows={1} dim={2}")
    @MethodSource("shapes")
    void bf16ScansMatchDefinition(SearchKernels k, int rows, int dim) {
        Random rnd = new Random(rows * 1000L + dim);
        float[] q = KernelReference.random(rnd, dim + 3);
        short[] slab = new short[rows * dim + 5];
        for (int i = 0; i < slab.length; i++) {
            slab[i] = BFloat16.of(rnd.nextFloat() * 2 - 1);
        }
        float[] out = new float[rows + 2];
        k.dotBf16Rows(q, 3, slab, 5, rows, dim, out, 2);
        short[][] scattered = new short[rows][];
        int[] offsets = new int[rows];
        for (int r = 0; r < rows; r++) {
            offsets[r] = r % 3;
            scattered[r] = new short[offsets[r] + dim];
            System.arraycopy(slab, 5 + (rows - 1 - r) * dim, scattered[r], offsets[r], dim);
        }
        float[] gathered = new float[rows];
        k.dotBf16Gathered(q, 3, scattered, offsets, rows, dim, gathered);
        for (int r = 0; r < rows; r++) {
            double dot = 0;
            for (int i = 0; i < dim; i++) {
                dot += (double) q[3 + i] * BFloat16.toFloat(slab[5 + r * dim + i]);
            }
            double tolerance = 1e-5 * Math.max(1, dim);
            assertEquals(dot, out[2 + r], tolerance, "dot of row " + r);
            assertEquals(dot, k.dotBf16(q, 3, slab, 5 + r * dim, dim), tolerance, "one row " + r);
            assertEquals(dot, gathered[rows - 1 - r], tolerance, "gathered row " + r);
        }
        assertEquals(0f, out[0], "the scan wrote before its output offset");
    }

    @Test
    void vectorScansMatchTheScalarOnes() {
        Random rnd = new Random(7);
        int dim = 384;
        float[] q = KernelReference.random(rnd, dim);
        byte[] queryCodes = codes(rnd, dim);
        byte[] bytes = codes(rnd, 8 * dim);
        short[] halves = new short[8 * dim];
        for (int i = 0; i < halves.length; i++) {
            halves[i] = BFloat16.of((float) rnd.nextGaussian() * 0.05f);
        }
        float[] scalar = new float[8];
        float[] best = new float[8];
        SearchKernels.scalar().dotInt8Rows(queryCodes, 0, bytes, 0, 8, dim, scalar, 0);
        SearchKernels.best().dotInt8Rows(queryCodes, 0, bytes, 0, 8, dim, best, 0);
        for (int r = 0; r < 8; r++) {
            assertEquals(scalar[r], best[r], "int8 row " + r);
        }
        SearchKernels.scalar().dotBf16Rows(q, 0, halves, 0, 8, dim, scalar, 0);
        SearchKernels.best().dotBf16Rows(q, 0, halves, 0, 8, dim, best, 0);
        for (int r = 0; r < 8; r++) {
            assertEquals(scalar[r], best[r], 1e-6 * dim, "bf16 row " + r);
        }
    }

    @Test
    void bf16RoundsToNearestEvenAndKeepsTheRange() {
        assertEquals(1f, BFloat16.toFloat(BFloat16.of(1f)));
        assertEquals(-0.5f, BFloat16.toFloat(BFloat16.of(-0.5f)));
        // 1 + 2^-8 lies halfway between 1 and 1 + 2^-7: ties go to the even mantissa, 1.
        assertEquals(1f, BFloat16.toFloat(BFloat16.of(1f + 0x1p-8f)));
        assertEquals(1f + 0x1p-7f, BFloat16.toFloat(BFloat16.of(1f + 0x1p-8f + 0x1p-20f)));
        assertEquals(Float.POSITIVE_INFINITY, BFloat16.toFloat(BFloat16.of(Float.POSITIVE_INFINITY)));
        assertEquals(true, Float.isNaN(BFloat16.toFloat(BFloat16.of(Float.NaN))));
        assertEquals(3.0e38f, BFloat16.toFloat(BFloat16.of(3.0e38f)), 3.0e38f / 128);
    }
}
