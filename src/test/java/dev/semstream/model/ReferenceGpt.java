package dev.semstream.model;

import dev.semstream.kernels.KernelReference;

/**
 * A deliberately naive GPT-2 forward pass in double precision, written from the definition (nanoGPT's
 * model.py) rather than from the engine: full causal attention over the whole sequence, no cache, no
 * packing, tanh GELU from Math.tanh, the head as an explicit product with every wte row.
 */
public final class ReferenceGpt {
    private ReferenceGpt() {
    }

    /** Logits [tokens][vocab] after each position of one sequence. */
    public static double[][] logits(GptConfig c, GptWeights w, int[] ids) {
        int n = ids.length;
        int d = c.dim();
        double[][] x = new double[n][d];
        for (int t = 0; t < n; t++) {
            for (int j = 0; j < d; j++) {
                x[t][j] = w.tokenEmbeddings()[ids[t] * d + j] + w.positionEmbeddings()[t * d + j];
            }
        }
        for (GptWeights.Layer l : w.layers()) {
            x = ReferenceMath.add(x, ReferenceMath.dense(causalAttention(c, ReferenceMath.dense(ReferenceMath.layerNorm(x, l.attentionNorm(), c.layerNormEps()), l.qkv())),
                    l.attentionProjection()));
            double[][] hidden = ReferenceMath.dense(ReferenceMath.layerNorm(x, l.mlpNorm(), c.layerNormEps()), l.mlpUp());
            for (double[] row : hidden) {
                for (int j = 0; j < row.length; j++) {
                    row[j] = KernelReference.geluTanh(row[j]);
                }
            }
            x = ReferenceMath.add(x, ReferenceMath.dense(hidden, l.mlpDown()));
        }
        x = ReferenceMath.layerNorm(x, w.finalNorm(), c.layerNormEps());
        double[][] logits = new double[n][c.vocabSize()];
        for (int t = 0; t < n; t++) {
            for (int v = 0; v < c.vocabSize(); v++) {
                double s = 0;
                for (int j = 0; j < d; j++) {
                    s += x[t][j] * w.tokenEmbeddings()[v * d + j];
                }
                logits[t][v] = s;
            }
        }
        return logits;
    }

    /** qkv [n][3d] -> context [n][d]; position i attends to positions 0..i. The trainer's gradient checks use it too. */
    public static double[][] causalAttention(GptConfig c, double[][] qkv) {
        int n = qkv.length;
        int d = c.dim();
        int hs = c.headSize();
        double[][] context = new double[n][d];
        for (int head = 0; head < c.heads(); head++) {
            int o = head * hs;
            for (int i = 0; i < n; i++) {
                double[] p = new double[i + 1];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j <= i; j++) {
                    double s = 0;
                    for (int e = 0; e < hs; e++) {
                        s += qkv[i][o + e] * qkv[j][d + o + e];
                    }
                    p[j] = s / Math.sqrt(hs);
                    max = Math.max(max, p[j]);
                }
                double sum = 0;
                for (int j = 0; j <= i; j++) {
                    p[j] = Math.exp(p[j] - max);
                    sum += p[j];
                }
                for (int j = 0; j <= i; j++) {
                    for (int e = 0; e < hs; e++) {
                        context[i][o + e] += p[j] / sum * qkv[j][2 * d + o + e];
                    }
                }
            }
        }
        return context;
    }
}
