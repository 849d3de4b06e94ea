package dev.semstream.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * SIMD search kernels on {@code jdk.incubator.vector}, at the width {@link VectorWidth} chose. Each method
 * mirrors {@link ScalarSearchKernels}; tests hold them to each other.
 */
final class VectorSearchKernels extends SearchKernels {
    static final VectorSearchKernels INSTANCE = new VectorSearchKernels();

    private static final VectorSpecies<Float> S = VectorWidth.FLOATS;
    private static final int L = S.length();

    private VectorSearchKernels() {
    }

    @Override
    public String name() {
        return "vector-" + S.vectorBitSize();
    }

    @Override
    public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (int upper = S.loopBound(n); i < upper; i += L) {
            acc = FloatVector.fromArray(S, a, aOff + i).fma(FloatVector.fromArray(S, b, bOff + i), acc);
        }
        float s = LaneSum.of(acc);
        for (; i < n; i++) {
            s += a[aOff + i] * b[bOff + i];
        }
        return s;
    }

    @Override
    public float squaredDistance(float[] a, int aOff, float[] b, int bOff, int n) {
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (int upper = S.loopBound(n); i < upper; i += L) {
            FloatVector d = FloatVector.fromArray(S, a, aOff + i).sub(FloatVector.fromArray(S, b, bOff + i));
            acc = d.fma(d, acc);
        }
        float s = LaneSum.of(acc);
        for (; i < n; i++) {
            float d = a[aOff + i] - b[bOff + i];
            s += d * d;
        }
        return s;
    }

    /*
     * The row scans take four rows per pass: each load of the query serves four rows, and the four
     * accumulators are independent chains, so the loop is limited by loads from memory, not by FMA latency.
     * The rows may be consecutive in one array (the exact scan) or anywhere (a graph node's neighbours);
     * one four-row body serves both. A row's tail (dim not a multiple of the lane count) is finished in
     * scalar code.
     */

    @Override
    public void dotRows(float[] q, int qOff, float[] rows, int rowsOff, int count, int dim, float[] out, int outOff) {
        int r = 0;
        for (; r + 4 <= count; r += 4) {
            int b0 = rowsOff + r * dim;
            dot4(q, qOff, rows, b0, rows, b0 + dim, rows, b0 + 2 * dim, rows, b0 + 3 * dim, dim, out, outOff + r);
        }
        for (; r < count; r++) {
            out[outOff + r] = dot(q, qOff, rows, rowsOff + r * dim, dim);
        }
    }

    @Override
    public void dotGathered(float[] q, int qOff, float[][] rows, int[] offsets, int count, int dim, float[] out) {
        int r = 0;
        for (; r + 4 <= count; r += 4) {
            dot4(q, qOff, rows[r], offsets[r], rows[r + 1], offsets[r + 1], rows[r + 2], offsets[r + 2], rows[r + 3],
                    offsets[r + 3], dim, out, r);
        }
        for (; r < count; r++) {
            out[r] = dot(q, qOff, rows[r], offsets[r], dim);
        }
    }

    @Override
    public void squaredDistanceGathered(float[] q, int qOff, float[][] rows, int[] offsets, int count, int dim,
                                        float[] out) {
        int r = 0;
        for (; r + 4 <= count; r += 4) {
            squaredDistance4(q, qOff, rows[r], offsets[r], rows[r + 1], offsets[r + 1], rows[r + 2], offsets[r + 2],
                    rows[r + 3], offsets[r + 3], dim, out, r);
        }
        for (; r < count; r++) {
            out[r] = squaredDistance(q, qOff, rows[r], offsets[r], dim);
        }
    }

    @Override
    public void squaredDistanceRows(float[] q, int qOff, float[] rows, int rowsOff, int count, int dim, float[] out,
                                    int outOff) {
        int r = 0;
        for (; r + 4 <= count; r += 4) {
            int b0 = rowsOff + r * dim;
            squaredDistance4(q, qOff, rows, b0, rows, b0 + dim, rows, b0 + 2 * dim, rows, b0 + 3 * dim, dim, out,
                    outOff + r);
        }
        for (; r < count; r++) {
            out[outOff + r] = squaredDistance(q, qOff, rows, rowsOff + r * dim, dim);
        }
    }

    @Override
    public int dotInt8(byte[] a, int aOff, byte[] b, int bOff, int n) {
        return VectorInt8Dots.dotInt8(a, aOff, b, bOff, n);
    }

    @Override
    public void dotInt8Rows(byte[] q, int qOff, byte[] rows, int rowsOff, int count, int dim, float[] out,
                            int outOff) {
        VectorInt8Dots.dotInt8Rows(q, qOff, rows, rowsOff, count, dim, out, outOff);
    }

    @Override
    public void dotInt8Gathered(byte[] q, int qOff, byte[][] rows, int[] offsets, int count, int dim, float[] out) {
        VectorInt8Dots.dotInt8Gathered(q, qOff, rows, offsets, count, dim, out);
    }

    @Override
    public float dotBf16(float[] q, int qOff, short[] codes, int off, int n) {
        return VectorBf16Dots.dotBf16(q, qOff, codes, off, n);
    }

    @Override
    public void dotBf16Rows(float[] q, int qOff, short[] rows, int rowsOff, int count, int dim, float[] out,
                            int outOff) {
        VectorBf16Dots.dotBf16Rows(q, qOff, rows, rowsOff, count, dim, out, outOff);
    }

    @Override
    public void dotBf16Gathered(float[] q, int qOff, short[][] rows, int[] offsets, int count, int dim,
                                float[] out) {
        VectorBf16Dots.dotBf16Gathered(q, qOff, rows, offsets, count, dim, out);
    }

    /** {@code out[o + j] = q . rj[bj ..]} for the four rows j. Arrays and offsets only, no vectors, cross calls. */
    private static void dot4(float[] q, int qOff, float[] r0, int b0, float[] r1, int b1, float[] r2, int b2,
                             float[] r3, int b3, int dim, float[] out, int o) {
        FloatVector a0 = FloatVector.zero(S);
        FloatVector a1 = FloatVector.zero(S);
        FloatVector a2 = FloatVector.zero(S);
        FloatVector a3 = FloatVector.zero(S);
        int i = 0;
        for (int upper = S.loopBound(dim); i < upper; i += L) {
            FloatVector qv = FloatVector.fromArray(S, q, qOff + i);
            a0 = FloatVector.fromArray(S, r0, b0 + i).fma(qv, a0);
            a1 = FloatVector.fromArray(S, r1, b1 + i).fma(qv, a1);
            a2 = FloatVector.fromArray(S, r2, b2 + i).fma(qv, a2);
            a3 = FloatVector.fromArray(S, r3, b3 + i).fma(qv, a3);
        }
        float s0 = LaneSum.of(a0);
        float s1 = LaneSum.of(a1);
        float s2 = LaneSum.of(a2);
        float s3 = LaneSum.of(a3);
        for (; i < dim; i++) {
            float qi = q[qOff + i];
            s0 += qi * r0[b0 + i];
            s1 += qi * r1[b1 + i];
            s2 += qi * r2[b2 + i];
            s3 += qi * r3[b3 + i];
        }
        out[o] = s0;
        out[o + 1] = s1;
        out[o + 2] = s2;
        out[o + 3] = s3;
    }

    /** {@code out[o + j] = |q - rj[bj ..]|^2} for the four rows j. */
    private static void squaredDistance4(float[] q, int qOff, float[] r0, int b0, float[] r1, int b1, float[] r2,
                                         int b2, float[] r3, int b3, int dim, float[] out, int o) {
        FloatVector a0 = FloatVector.zero(S);
        FloatVector a1 = FloatVector.zero(S);
        FloatVector a2 = FloatVector.zero(S);
        FloatVector a3 = FloatVector.zero(S);
        int i = 0;
        for (int upper = S.loopBound(dim); i < upper; i += L) {
            FloatVector qv = FloatVector.fromArray(S, q, qOff + i);
            FloatVector d0 = FloatVector.fromArray(S, r0, b0 + i).sub(qv);
            FloatVector d1 = FloatVector.fromArray(S, r1, b1 + i).sub(qv);
            FloatVector d2 = FloatVector.fromArray(S, r2, b2 + i).sub(qv);
            FloatVector d3 = FloatVector.fromArray(S, r3, b3 + i).sub(qv);
            a0 = d0.fma(d0, a0);
            a1 = d1.fma(d1, a1);
            a2 = d2.fma(d2, a2);
            a3 = d3.fma(d3, a3);
        }
        float s0 = LaneSum.of(a0);
        float s1 = LaneSum.of(a1);
        float s2 = LaneSum.of(a2);
        float s3 = LaneSum.of(a3);
        for (; i < dim; i++) {
            float qi = q[qOff + i];
            float d0 = r0[b0 + i] - qi;
            float d1 = r1[b1 + i] - qi;
            float d2 = r2[b2 + i] - qi;
            float d3 = r3[b3 + i] - qi;
            s0 += d0 * d0;
            s1 += d1 * d1;
            s2 += d2 * d2;
            s3 += d3 * d3;
        }
        out[o] = s0;
        out[o + 1] = s1;
        out[o + 2] = s2;
        out[o + 3] = s3;
    }
}
