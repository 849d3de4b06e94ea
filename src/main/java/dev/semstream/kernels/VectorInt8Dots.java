package dev.semstream.kernels;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link VectorSearchKernels}' dot products of two rows of int8 codes (a quantised query against quantised
 * rows), in integers: each load of 2L codes (L the float lanes) is sign-extended to one vector of shorts, the
 * two multiplied lane by lane (|127 * 127| fits a short), and the products widened into two int vectors and
 * added to the row's accumulator. Integer sums are exact, so these kernels and the scalar ones agree to the
 * bit, in any order of summation. Four rows a pass share each widened load of the query, as the float scans
 * share a query load.
 *
 * <p>Written out in every loop rather than through a helper, for the reason {@link VectorBf16Dots} gives.
 * Where the codes would not fill the API's smallest vector the scalar kernels answer.
 */
final class VectorInt8Dots {
    private static final VectorSpecies<Byte> B = VectorWidth.BYTES_PER_SHORT;
    private static final VectorSpecies<Short> H = VectorWidth.SHORTS;
    private static final VectorSpecies<Integer> I = VectorWidth.INTS;
    private static final int STEP = H == null ? 0 : H.length();
    private static final SearchKernels SCALAR = ScalarSearchKernels.INSTANCE;
    private static final VectorOperators.Conversion<Byte, Short> B2S = VectorOperators.B2S;
    private static final VectorOperators.Conversion<Short, Integer> S2I = VectorOperators.S2I;

    private VectorInt8Dots() {
    }

    static int dotInt8(byte[] a, int aOff, byte[] b, int bOff, int n) {
        if (B == null) {
            return SCALAR.dotInt8(a, aOff, b, bOff, n);
        }
        IntVector acc = IntVector.zero(I);
        int i = 0;
        for (int upper = H.loopBound(n); i < upper; i += STEP) {
            ShortVector p = ((ShortVector) ByteVector.fromArray(B, a, aOff + i).convertShape(B2S, H, 0))
                    .mul((ShortVector) ByteVector.fromArray(B, b, bOff + i).convertShape(B2S, H, 0));
            acc = acc.add((IntVector) p.convertShape(S2I, I, 0)).add((IntVector) p.convertShape(S2I, I, 1));
        }
        int s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            s += a[aOff + i] * b[bOff + i];
        }
        return s;
    }

    static void dotInt8Rows(byte[] q, int qOff, byte[] rows, int rowsOff, int count, int dim, float[] out,
                            int outOff) {
        if (B == null) {
            SCALAR.dotInt8Rows(q, qOff, rows, rowsOff, count, dim, out, outOff);
            return;
        }
        for (int r = 0; r < count; r += 4) {
            // The last pass of 1 to 3 rows repeats its last row in the lanes past the end and writes only its own.
            int last = rowsOff + (count - 1) * dim;
            int b0 = rowsOff + r * dim;
            dotInt8x4(q, qOff, rows, b0, rows, Math.min(b0 + dim, last), rows, Math.min(b0 + 2 * dim, last), rows,
                    Math.min(b0 + 3 * dim, last), dim, out, outOff + r, Math.min(4, count - r));
        }
    }

    static void dotInt8Gathered(byte[] q, int qOff, byte[][] rows, int[] offsets, int count, int dim, float[] out) {
        if (B == null) {
            SCALAR.dotInt8Gathered(q, qOff, rows, offsets, count, dim, out);
            return;
        }
        int last = count - 1;
        for (int r = 0; r < count; r += 4) {
            // As in dotInt8Rows: a short last pass repeats the last row. A node's unvisited neighbours are
            // rarely a multiple of four, and one row scored alone costs nearly what four do.
            int r1 = Math.min(r + 1, last);
            int r2 = Math.min(r + 2, last);
            int r3 = Math.min(r + 3, last);
            dotInt8x4(q, qOff, rows[r], offsets[r], rows[r1], offsets[r1], rows[r2], offsets[r2], rows[r3],
                    offsets[r3], dim, out, r, Math.min(4, count - r));
        }
    }

    /** Four rows' dot products with {@code q}; the first {@code written} of them go to {@code out[o ..]}. */
    private static void dotInt8x4(byte[] q, int qOff, byte[] r0, int b0, byte[] r1, int b1, byte[] r2, int b2,
                                  byte[] r3, int b3, int dim, float[] out, int o, int written) {
        IntVector a0 = IntVector.zero(I);
        IntVector a1 = IntVector.zero(I);
        IntVector a2 = IntVector.zero(I);
        IntVector a3 = IntVector.zero(I);
        int i = 0;
        for (int upper = H.loopBound(dim); i < upper; i += STEP) {
            ShortVector qv = (ShortVector) ByteVector.fromArray(B, q, qOff + i).convertShape(B2S, H, 0);
            ShortVector p0 = qv.mul((ShortVector) ByteVector.fromArray(B, r0, b0 + i).convertShape(B2S, H, 0));
            ShortVector p1 = qv.mul((ShortVector) ByteVector.fromArray(B, r1, b1 + i).convertShape(B2S, H, 0));
            ShortVector p2 = qv.mul((ShortVector) ByteVector.fromArray(B, r2, b2 + i).convertShape(B2S, H, 0));
            ShortVector p3 = qv.mul((ShortVector) ByteVector.fromArray(B, r3, b3 + i).convertShape(B2S, H, 0));
            a0 = a0.add((IntVector) p0.convertShape(S2I, I, 0)).add((IntVector) p0.convertShape(S2I, I, 1));
            a1 = a1.add((IntVector) p1.convertShape(S2I, I, 0)).add((IntVector) p1.convertShape(S2I, I, 1));
            a2 = a2.add((IntVector) p2.convertShape(S2I, I, 0)).add((IntVector) p2.convertShape(S2I, I, 1));
            a3 = a3.add((IntVector) p3.convertShape(S2I, I, 0)).add((IntVector) p3.convertShape(S2I, I, 1));
        }
        int s0 = a0.reduceLanes(VectorOperators.ADD);
        int s1 = a1.reduceLanes(VectorOperators.ADD);
        int s2 = a2.reduceLanes(VectorOperators.ADD);
        int s3 = a3.reduceLanes(VectorOperators.ADD);
        for (; i < dim; i++) {
            int qi = q[qOff + i];
            s0 += qi * r0[b0 + i];
            s1 += qi * r1[b1 + i];
            s2 += qi * r2[b2 + i];
            s3 += qi * r3[b3 + i];
        }
        out[o] = s0;
        if (written > 1) {
            out[o + 1] = s1;
        }
        if (written > 2) {
            out[o + 2] = s2;
        }
        if (written > 3) {
            out[o + 3] = s3;
        }
    }
}
