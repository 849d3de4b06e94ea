package dev.semstream.kernels;

/**
 * A weight matrix W [k][n] re-laid out for the GEMM micro-kernel: the columns are cut into panels of
 * {@code panelWidth}, and each panel is stored contiguously, k rows of panelWidth floats. The kernel
 * then streams one panel with unit stride while it keeps a block of output rows in registers. The last
 * panel is padded with zeros so the kernel never needs a masked load.
 */
public record PackedMatrix(float[] data, int k, int n, int panelWidth) {

    public static PackedMatrix pack(float[] w, int k, int n, int panelWidth) {
        if (w.length != (long) k * n) {
            throw new IllegalArgumentException("matrix has " + w.length + " values, expected " + k + " x " + n);
        }
        int panels = (n + panelWidth - 1) / panelWidth;
        float[] data = new float[panels * k * panelWidth];
        for (int p = 0; p < panels; p++) {
            int col0 = p * panelWidth;
            int width = Math.min(panelWidth, n - col0);
            int base = p * k * panelWidth;
            for (int row = 0; row < k; row++) {
                System.arraycopy(w, row * n + col0, data, base + row * panelWidth, width);
            }
        }
        return new PackedMatrix(data, k, n, panelWidth);
    }

    public int panels() {
        return (n + panelWidth - 1) / panelWidth;
    }

    /** Offset of panel p in {@link #data()}. */
    public int panelOffset(int p) {
        return p * k * panelWidth;
    }
}
