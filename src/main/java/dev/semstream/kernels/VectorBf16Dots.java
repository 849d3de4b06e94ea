package dev.semstream.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link VectorSearchKernels}' scans over bf16 rows: a float query against bf16 codes, each load of codes
 * widened to one float vector (shifted into a float's upper half) and multiplied into four rows'
 * accumulators a pass, as the float scans do. At 128-bit floats the codes would not fill the API's smallest
 * vector, so the scalar kernels answer there.
 *
 * <p>The widening is written out in every loop, as the float kernels' loads are, rather than in a helper: a
 * vector returned by a method C2 does not inline is boxed, and a helper compiled on its own first (it is hot
 * before the loop around it is) is past {@code InlineSmallCode} and is not inlined afterwards. On a busy
 * 2-core AVX-512 machine, 100,000 single-row int8 dots took about 38 ms through a helper and 25 ms written
 * out; 5 ms with {@code -XX:InlineSmallCode=6000}, so some of the API's own code still is not inlined.
 */
final class VectorBf16Dots {
    private static final VectorSpecies<Float> S = VectorWidth.FLOATS;
    private static final VectorSpecies<Short> H = VectorWidth.SHORTS_PER_FLOAT;
    private static final VectorSpecies<Integer> I = VectorWidth.INTS;
    private static final int L = S.length();
    private static final SearchKernels SCALAR = ScalarSearchKernels.INSTANCE;
    private static final VectorOperators.Conversion<Short, Integer> S2I = VectorOperators.S2I;
    private static final VectorOperators.Binary LSHL = VectorOperators.LSHL;

    private VectorBf16Dots() {
    }

    static float dotBf16(float[] q, int qOff, short[] codes, int off, int n) {
        if (H == null) {
            return SCALAR.dotBf16(q, qOff, codes, off, n);
        }
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (int upper = S.loopBound(n); i < upper; i += L) {
            acc = ((IntVector) ShortVector.fromArray(H, codes, off + i).convertShape(S2I, I, 0))
                    .lanewise(LSHL, 16).reinterpretAsFloats().fma(FloatVector.fromArray(S, q, qOff + i), acc);
        }
        float s = LaneSum.of(acc);
        for (; i < n; i++) {
            s += q[qOff + i] * BFloat16.toFloat(codes[off + i]);
        }
        return s;
    }

    static void dotBf16Rows(float[] q, int qOff, short[] rows, int rowsOff, int count, int dim, float[] out,
                            int outOff) {
        int r = 0;
        for (; H != null && r + 4 <= count; r += 4) {
            int b0 = rowsOff + r * dim;
            dotBf16x4(q, qOff, rows, b0, rows, b0 + dim, rows, b0 + 2 * dim, rows, b0 + 3 * dim, dim, out, outOff + r);
        }
        for (; r < count; r++) {
            out[outOff + r] = dotBf16(q, qOff, rows, rowsOff + r * dim, dim);
        }
    }

    static void dotBf16Gathered(float[] q, int qOff, short[][] rows, int[] offsets, int count, int dim, float[] out) {
        int r = 0;
        for (; H != null && r + 4 <= count; r += 4) {
            dotBf16x4(q, qOff, rows[r], offsets[r], rows[r + 1], offsets[r + 1], rows[r + 2], offsets[r + 2],
                    rows[r + 3], offsets[r + 3], dim, out, r);
        }
        for (; r < count; r++) {
            out[r] = dotBf16(q, qOff, rows[r], offsets[r], dim);
        }
    }

    private static void dotBf16x4(float[] q, int qOff, short[] r0, int b0, short[] r1, int b1, short[] r2, int b2,
                                  short[] r3, int b3, int dim, float[] out, int o) {
        FloatVector a0 = FloatVector.zero(S);
        FloatVector a1 = FloatVector.zero(S);
        FloatVector a2 = FloatVector.zero(S);
        FloatVector a3 = FloatVector.zero(S);
        int i = 0;
        for (int upper = S.loopBound(dim); i < upper; i += L) {
            FloatVector qv = FloatVector.fromArray(S, q, qOff + i);
            a0 = ((IntVector) ShortVector.fromArray(H, r0, b0 + i).convertShape(S2I, I, 0))
                    .lanewise(LSHL, 16).reinterpretAsFloats().fma(qv, a0);
            a1 = ((IntVector) ShortVector.fromArray(H, r1, b1 + i).convertShape(S2I, I, 0))
                    .lanewise(LSHL, 16).reinterpretAsFloats().fma(qv, a1);
            a2 = ((IntVector) ShortVector.fromArray(H, r2, b2 + i).convertShape(S2I, I, 0))
                    .lanewise(LSHL, 16).reinterpretAsFloats().fma(qv, a2);
            a3 = ((IntVector) ShortVector.fromArray(H, r3, b3 + i).convertShape(S2I, I, 0))
                    .lanewise(LSHL, 16).reinterpretAsFloats().fma(qv, a3);
        }
        float s0 = LaneSum.of(a0);
        float s1 = LaneSum.of(a1);
        float s2 = LaneSum.of(a2);
        float s3 = LaneSum.of(a3);
        for (; i < dim; i++) {
            float qi = q[qOff + i];
            s0 += qi * BFloat16.toFloat(r0[b0 + i]);
            s1 += qi * BFloat16.toFloat(r1[b1 + i]);
            s2 += qi * BFloat16.toFloat(r2[b2 + i]);
            s3 += qi * BFloat16.toFloat(r3[b3 + i]);
        }
        out[o] = s0;
        out[o + 1] = s1;
        out[o + 2] = s2;
        out[o + 3] = s3;
    }
}
