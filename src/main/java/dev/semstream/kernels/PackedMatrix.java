package dev.semstream.kernels;

/**
 * A weight matrix W [k][n] re-laid out for the GEMM micro-kernel: the columns are cut into panels of
 * {@code panelWidth}, and each panel is stored contiguously, k rows of panelWidth floats. The kernel
 * then streams one panel with unit stride while it keeps a block of output rows in registers. The last
 * panel is padded with zeros so the kernel never needs a masked load.
 *
 * <p>{@code data} may be longer than the layout needs: training packs into buffers sized once for the
 * largest shape and reuses them every step.
 */
public record PackedMatrix(float[] data, int k, int n, int panelWidth) {

    public static PackedMatrix pack(float[] w, int k, int n, int panelWidth) {
        if (w.length != (long) k * n) {
            throw new IllegalArgumentException("matrix has " + w.length + " values, expected " + k + " x " + n);
        }
        float[] data = new float[size(k, n, panelWidth)];
        packRows(w, 0, n, 0, k, n, panelWidth, data, k);
        return new PackedMatrix(data, k, n, panelWidth);
    }

    /** Floats the packed layout of a [k][n] matrix takes. */
    public static int size(int k, int n, int panelWidth) {
        return (n + panelWidth - 1) / panelWidth * k * panelWidth;
    }

    /**
     * Packs rows [row0, row1) of a [k][n] matrix whose row r starts at {@code off + r * stride} into {@code data},
     * laid out for k rows; the padding columns of the last panel are written as zeros. Callers split the rows
     * across tasks, each packing its own rows.
     */
    static void packRows(float[] src, int off, int stride, int row0, int row1, int n, int panelWidth, float[] data,
                         int k) {
        int panels = (n + panelWidth - 1) / panelWidth;
        for (int p = 0; p < panels; p++) {
            int col0 = p * panelWidth;
            int width = Math.min(panelWidth, n - col0);
            int base = p * k * panelWidth;
            for (int row = row0; row < row1; row++) {
                int to = base + row * panelWidth;
                System.arraycopy(src, off + row * stride + col0, data, to, width);
                for (int c = width; c < panelWidth; c++) {
                    data[to + c] = 0f;
                }
            }
        }
    }

    /**
     * Packs rows [row0, row1) of W^T, the transpose of W [n][k] (row i at {@code off + i * stride}), into {@code data} laid out for W^T [k][n]:
     * row r of W^T is column r of W. The backward pass needs {@code dX = dY W^T}.
     */
    static void packTransposedRows(float[] w, int off, int stride, int row0, int row1, int k, int n, int panelWidth,
                                   float[] data) {
        int panels = (n + panelWidth - 1) / panelWidth;
        for (int p = 0; p < panels; p++) {
            int col0 = p * panelWidth;
            int width = Math.min(panelWidth, n - col0);
            int base = p * k * panelWidth;
            for (int row = row0; row < row1; row++) {
                int to = base + row * panelWidth;
                // W^T[row][col0 + c] = W[col0 + c][row]: a strided read down one column of W.
                for (int c = 0; c < width; c++) {
                    data[to + c] = w[off + (col0 + c) * stride + row];
                }
                for (int c = width; c < panelWidth; c++) {
                    data[to + c] = 0f;
                }
            }
        }
    }

    public int panels() {
        return (n + panelWidth - 1) / panelWidth;
    }

    /** Offset of panel p in {@link #data()}. */
    public int panelOffset(int p) {
        return p * k * panelWidth;
    }
}
