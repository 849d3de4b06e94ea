package dev.semstream.model.load;

/** Row-major matrix transposition, for turning PyTorch's [out][in] Linear weights into the engine's [in][out]. */
final class Transpose {
    private static final int BLOCK = 32;

    private Transpose() {
    }

    /** Returns the [cols][rows] transpose of a [rows][cols] matrix. Blocked so both sides stay in cache. */
    static float[] of(float[] m, int rows, int cols) {
        if (m.length != (long) rows * cols) {
            throw new IllegalArgumentException(m.length + " values is not " + rows + " x " + cols);
        }
        float[] t = new float[m.length];
        for (int r0 = 0; r0 < rows; r0 += BLOCK) {
            int r1 = Math.min(rows, r0 + BLOCK);
            for (int c0 = 0; c0 < cols; c0 += BLOCK) {
                int c1 = Math.min(cols, c0 + BLOCK);
                for (int r = r0; r < r1; r++) {
                    for (int c = c0; c < c1; c++) {
                        t[c * rows + r] = m[r * cols + c];
                    }
                }
            }
        }
        return t;
    }
}
