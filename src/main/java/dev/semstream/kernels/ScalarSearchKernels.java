package dev.semstream.kernels;

/** Plain-Java search kernels: the reference the vector ones are tested against, and the fallback. */
final class ScalarSearchKernels extends SearchKernels {
    static final ScalarSearchKernels INSTANCE = new ScalarSearchKernels();

    private ScalarSearchKernels() {
    }

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        float s = 0f;
        for (int i = 0; i < n; i++) {
            s += a[aOff + i] * b[bOff + i];
        }
        return s;
    }

    @Override
    public float squaredDistance(float[] a, int aOff, float[] b, int bOff, int n) {
        float s = 0f;
        for (int i = 0; i < n; i++) {
            float d = a[aOff + i] - b[bOff + i];
            s += d * d;
        }
        return s;
    }

    @Override
    public void dotRows(float[] q, int qOff, float[] rows, int rowsOff, int count, int dim, float[] out, int outOff) {
        for (int r = 0; r < count; r++) {
            out[outOff + r] = dot(q, qOff, rows, rowsOff + r * dim, dim);
        }
    }

    @Override
    public void dotGathered(float[] q, int qOff, float[][] rows, int[] offsets, int count, int dim, float[] out) {
        for (int r = 0; r < count; r++) {
            out[r] = dot(q, qOff, rows[r], offsets[r], dim);
        }
    }

    @Override
    public void squaredDistanceGathered(float[] q, int qOff, float[][] rows, int[] offsets, int count, int dim,
                                        float[] out) {
        for (int r = 0; r < count; r++) {
            out[r] = squaredDistance(q, qOff, rows[r], offsets[r], dim);
        }
    }

    @Override
    public void squaredDistanceRows(float[] q, int qOff, float[] rows, int rowsOff, int count, int dim, float[] out,
                                    int outOff) {
        for (int r = 0; r < count; r++) {
            out[outOff + r] = squaredDistance(q, qOff, rows, rowsOff + r * dim, dim);
        }
    }

    @Override
    public int dotInt8(byte[] a, int aOff, byte[] b, int bOff, int n) {
        int s = 0;
        for (int i = 0; i < n; i++) {
            s += a[aOff + i] * b[bOff + i];
        }
        return s;
    }

    @Override
    public void dotInt8Rows(byte[] q, int qOff, byte[] rows, int rowsOff, int count, int dim, float[] out,
                            int outOff) {
        for (int r = 0; r < count; r++) {
            out[outOff + r] = dotInt8(q, qOff, rows, rowsOff + r * dim, dim);
        }
    }

    @Override
    public void dotInt8Gathered(byte[] q, int qOff, byte[][] rows, int[] offsets, int count, int dim, float[] out) {
        for (int r = 0; r < count; r++) {
            out[r] = dotInt8(q, qOff, rows[r], offsets[r], dim);
        }
    }

    @Override
    public float dotBf16(float[] q, int qOff, short[] codes, int off, int n) {
        float s = 0f;
        for (int i = 0; i < n; i++) {
            s += q[qOff + i] * BFloat16.toFloat(codes[off + i]);
        }
        return s;
    }

    @Override
    public void dotBf16Rows(float[] q, int qOff, short[] rows, int rowsOff, int count, int dim, float[] out,
                            int outOff) {
        for (int r = 0; r < count; r++) {
            out[outOff + r] = dotBf16(q, qOff, rows, rowsOff + r * dim, dim);
        }
    }

    @Override
    public void dotBf16Gathered(float[] q, int qOff, short[][] rows, int[] offsets, int count, int dim, float[] out) {
        for (int r = 0; r < count; r++) {
            out[r] = dotBf16(q, qOff, rows[r], offsets[r], dim);
        }
    }
}
