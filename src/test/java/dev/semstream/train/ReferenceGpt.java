package dev.semstream.train;

import dev.semstream.model.GptConfig;

/**
 * The decoder's ops written out plainly in double precision, each straight from its definition: the reference
 * the gradient checks take central finite differences of. Matrices are row-major double arrays.
 */
final class ReferenceGpt {
    private ReferenceGpt() {
    }

    static double[] layerNorm(double[] x, int rows, int d, double[] gamma, double[] beta, double eps) {
        double[] y = new double[rows * d];
        for (int r = 0; r < rows; r++) {
            double mean = 0;
            for (int c = 0; c < d; c++) {
                mean += x[r * d + c];
            }
            mean /= d;
            double var = 0;
            for (int c = 0; c < d; c++) {
                var += (x[r * d + c] - mean) * (x[r * d + c] - mean);
            }
            var /= d;
            for (int c = 0; c < d; c++) {
                y[r * d + c] = (x[r * d + c] - mean) / Math.sqrt(var + eps) * gamma[c] + beta[c];
            }
        }
        return y;
    }

    /** {@code x W + b}, W [in][out]. */
    static double[] dense(double[] x, int rows, int in, int out, double[] w, double[] b) {
        double[] y = new double[rows * out];
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < out; o++) {
                double s = b[o];
                for (int i = 0; i < in; i++) {
                    s += x[r * in + i] * w[i * out + o];
                }
                y[r * out + o] = s;
            }
        }
        return y;
    }

    static double[] geluTanh(double[] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = 0.5 * x[i] * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x[i] + 0.044715 * x[i] * x[i] * x[i])));
        }
        return y;
    }

    /**
     * Causal attention over fused QKV rows [batch * t][3 dim]; returns [batch * t][dim]: the decoder tests' reference,
     * one sequence at a time.
     */
    static double[] causalAttention(double[] qkv, int batch, int t, int heads, int headSize) {
        int dim = heads * headSize;
        GptConfig shape = new GptConfig(1, t, dim, 1, heads, 1e-5f);
        double[] out = new double[batch * t * dim];
        for (int b = 0; b < batch; b++) {
            double[][] rows = new double[t][];
            for (int i = 0; i < t; i++) {
                rows[i] = java.util.Arrays.copyOfRange(qkv, (b * t + i) * 3 * dim, (b * t + i + 1) * 3 * dim);
            }
            double[][] context = dev.semstream.model.ReferenceGpt.causalAttention(shape, rows);
            for (int i = 0; i < t; i++) {
                System.arraycopy(context[i], 0, out, (b * t + i) * dim, dim);
            }
        }
        return out;
    }

    /** Mean over rows of {@code logsumexp(x wte^T) - (x wte^T)[target]}. */
    static double headLoss(double[] x, int rows, int d, double[] wte, int vocab, int[] targets) {
        double total = 0;
        for (int r = 0; r < rows; r++) {
            double[] logits = new double[vocab];
            double max = Double.NEGATIVE_INFINITY;
            for (int v = 0; v < vocab; v++) {
                double s = 0;
                for (int c = 0; c < d; c++) {
                    s += x[r * d + c] * wte[v * d + c];
                }
                logits[v] = s;
                max = Math.max(max, s);
            }
            double sum = 0;
            for (double l : logits) {
                sum += Math.exp(l - max);
            }
            total += max + Math.log(sum) - logits[targets[r]];
        }
        return total / rows;
    }

    /**
     * The whole model's mean loss, from the parameters in GptParameters order: wte, wpe, then per layer ln_1 (w, b),
     * c_attn (w, b), attn.c_proj (w, b), ln_2 (w, b), c_fc (w, b), mlp.c_proj (w, b), then ln_f (w, b).
     */
    static double loss(GptConfig c, double[][] p, int[] inputs, int[] targets, int batch, int t) {
        int d = c.dim();
        int rows = batch * t;
        double eps = c.layerNormEps();
        double[] x = new double[rows * d];
        for (int r = 0; r < rows; r++) {
            for (int k = 0; k < d; k++) {
                x[r * d + k] = p[0][inputs[r] * d + k] + p[1][(r % t) * d + k];
            }
        }
        for (int l = 0; l < c.layers(); l++) {
            int o = 2 + 12 * l;
            double[] h = layerNorm(x, rows, d, p[o], p[o + 1], eps);
            double[] qkv = dense(h, rows, d, 3 * d, p[o + 2], p[o + 3]);
            double[] att = causalAttention(qkv, batch, t, c.heads(), c.headSize());
            x = add(x, dense(att, rows, d, d, p[o + 4], p[o + 5]));
            h = layerNorm(x, rows, d, p[o + 6], p[o + 7], eps);
            double[] hidden = geluTanh(dense(h, rows, d, c.mlpDim(), p[o + 8], p[o + 9]));
            x = add(x, dense(hidden, rows, c.mlpDim(), d, p[o + 10], p[o + 11]));
        }
        int f = 2 + 12 * c.layers();
        return headLoss(layerNorm(x, rows, d, p[f], p[f + 1], eps), rows, d, p[0], c.vocabSize(), targets);
    }

    static double[] add(double[] a, double[] b) {
        double[] y = a.clone();
        for (int i = 0; i < y.length; i++) {
            y[i] += b[i];
        }
        return y;
    }

    static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }
}
