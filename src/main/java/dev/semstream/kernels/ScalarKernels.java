package dev.semstream.kernels;

/** Plain-Java kernels: the reference the vector kernels are tested against, and the fallback. */
final class ScalarKernels extends Kernels {
    static final ScalarKernels INSTANCE = new ScalarKernels();
    private static final int PANEL = 16;

    private ScalarKernels() {
    }

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public int panelWidth() {
        return PANEL;
    }

    @Override
    public void gemmTile(float[] x, int xOff, int xStride, int r0, int r1, PackedMatrix w, int depth, int p0, int p1,
                         float[] bias, float[] out, int outOff, int outStride, Epilogue epilogue) {
        int k = depth;
        int n = w.n();
        float[] packed = w.data();
        float[] acc = new float[PANEL];
        for (int p = p0; p < p1; p++) {
            int col0 = p * PANEL;
            int width = Math.min(PANEL, n - col0);
            int base = w.panelOffset(p);
            for (int r = r0; r < r1; r++) {
                for (int c = 0; c < PANEL; c++) {
                    acc[c] = bias != null && c < width ? bias[col0 + c] : 0f;
                }
                int xRow = xOff + r * xStride;
                for (int kk = 0; kk < k; kk++) {
                    float a = x[xRow + kk];
                    int b = base + kk * PANEL;
                    for (int c = 0; c < PANEL; c++) {
                        acc[c] += a * packed[b + c];
                    }
                }
                int o = outOff + r * outStride + col0;
                for (int c = 0; c < width; c++) {
                    switch (epilogue) {
                        case STORE -> out[o + c] = acc[c];
                        case GELU -> out[o + c] = Erf.gelu(acc[c]);
                        case GELU_TANH -> out[o + c] = GeluTanh.of(acc[c]);
                        case ACCUMULATE -> out[o + c] += acc[c];
                    }
                }
            }
        }
    }

    @Override
    public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        return ScalarSearchKernels.INSTANCE.dot(a, aOff, b, bOff, n);
    }

    @Override
    public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] += alpha * x[xOff + i];
        }
    }

    @Override
    public void add(float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] += x[xOff + i];
        }
    }

    @Override
    public void scale(float[] x, int off, int n, float alpha) {
        for (int i = 0; i < n; i++) {
            x[off + i] *= alpha;
        }
    }

    @Override
    public void layerNorm(float[] x, int off, float[] gamma, float[] beta, float eps) {
        int n = gamma.length;
        float sum = 0f;
        for (int i = 0; i < n; i++) {
            sum += x[off + i];
        }
        float mean = sum / n;
        float var = 0f;
        for (int i = 0; i < n; i++) {
            float d = x[off + i] - mean;
            var += d * d;
        }
        float inv = (float) (1.0 / Math.sqrt(var / n + eps));
        for (int i = 0; i < n; i++) {
            x[off + i] = (x[off + i] - mean) * inv * gamma[i] + beta[i];
        }
    }

    @Override
    public float softmax(float[] x, int off, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, x[off + i]);
        }
        float sum = 0f;
        for (int i = 0; i < n; i++) {
            float e = (float) Math.exp(x[off + i] - max);
            x[off + i] = e;
            sum += e;
        }
        float inv = 1f / sum;
        for (int i = 0; i < n; i++) {
            x[off + i] *= inv;
        }
        return max + (float) Math.log(sum);
    }

    @Override
    public void gelu(float[] x, int off, int n) {
        for (int i = 0; i < n; i++) {
            x[off + i] = Erf.gelu(x[off + i]);
        }
    }

    @Override
    public void geluTanh(float[] x, int off, int n) {
        for (int i = 0; i < n; i++) {
            x[off + i] = GeluTanh.of(x[off + i]);
        }
    }

    @Override
    public void geluTanhBackward(float[] pre, int preOff, float[] grad, int gradOff, int n) {
        for (int i = 0; i < n; i++) {
            grad[gradOff + i] *= GeluTanh.derivative(pre[preOff + i]);
        }
    }

    @Override
    public void scoreKeys(float[] q, int qOff, int headSize, float[] kt, int ktStride, float[] scores, int n) {
        java.util.Arrays.fill(scores, 0, n, 0f);
        for (int d = 0; d < headSize; d++) {
            float qd = q[qOff + d];
            int row = d * ktStride;
            for (int j = 0; j < n; j++) {
                scores[j] += qd * kt[row + j];
            }
        }
    }

    @Override
    public void mixValues(float[] p, int n, float[] v, int vOff, int vStride, float[] out, int outOff,
                          int headSize) {
        java.util.Arrays.fill(out, outOff, outOff + headSize, 0f);
        for (int j = 0; j < n; j++) {
            float pj = p[j];
            int row = vOff + j * vStride;
            for (int d = 0; d < headSize; d++) {
                out[outOff + d] += pj * v[row + d];
            }
        }
    }
}
