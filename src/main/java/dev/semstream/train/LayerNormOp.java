package dev.semstream.train;

/**
 * Layer norm over each row, {@code y = (x - mean) / sqrt(var + eps) * gamma + beta}, with what its backward pass
 * needs saved: the normalised row {@code xhat} and {@code rstd = 1 / sqrt(var + eps)}.
 */
final class LayerNormOp {
    private LayerNormOp() {
    }

    static void forward(float[] x, int rows, int d, float[] gamma, float[] beta, float eps, float[] y, float[] xhat,
                        float[] rstd) {
        Rows.inChunks(rows, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int row = r * d;
                float sum = 0f;
                for (int c = 0; c < d; c++) {
                    sum += x[row + c];
                }
                float mean = sum / d;
                float var = 0f;
                for (int c = 0; c < d; c++) {
                    float dev = x[row + c] - mean;
                    var += dev * dev;
                }
                float inv = (float) (1.0 / Math.sqrt(var / d + eps));
                rstd[r] = inv;
                for (int c = 0; c < d; c++) {
                    float h = (x[row + c] - mean) * inv;
                    xhat[row + c] = h;
                    y[row + c] = h * gamma[c] + beta[c];
                }
            }
        });
    }

    /**
     * Adds the input gradient into {@code dx} (the residual stream's gradient, which the norm branches off) and the
     * parameter gradients into dgamma, dbeta. Per row, fused in one pass over the row:
     * <pre>
     *   dxhat = dy * gamma
     *   dx   += rstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat))
     * </pre>
     * and per column, summed over rows in order: {@code dgamma += dy * xhat}, {@code dbeta += dy}.
     */
    static void backward(float[] dy, float[] xhat, float[] rstd, int rows, int d, float[] gamma, float[] dx,
                         float[] dgamma, float[] dbeta) {
        Rows.inChunks(rows, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int row = r * d;
                // The two means the input gradient subtracts: what the mean and the variance took out.
                float meanDxhat = 0f;
                float meanDxhatXhat = 0f;
                for (int c = 0; c < d; c++) {
                    float g = dy[row + c] * gamma[c];
                    meanDxhat += g;
                    meanDxhatXhat += g * xhat[row + c];
                }
                meanDxhat /= d;
                meanDxhatXhat /= d;
                float inv = rstd[r];
                for (int c = 0; c < d; c++) {
                    float g = dy[row + c] * gamma[c];
                    dx[row + c] += inv * (g - meanDxhat - xhat[row + c] * meanDxhatXhat);
                }
            }
        });
        Rows.inColumnBlocks(d, (c0, c1) -> {
            for (int r = 0; r < rows; r++) {
                int row = r * d;
                for (int c = c0; c < c1; c++) {
                    dgamma[c] += dy[row + c] * xhat[row + c];
                    dbeta[c] += dy[row + c];
                }
            }
        });
    }
}
