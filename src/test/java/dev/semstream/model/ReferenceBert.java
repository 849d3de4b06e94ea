package dev.semstream.model;

import dev.semstream.kernels.KernelReference;

/**
 * A deliberately naive BERT forward pass in double precision, written from the paper rather than from the
 * engine, to check that the loader gave every weight its right role and layout: if it matches ONNX Runtime
 * running the original file, query/key/value, layouts, head count and epsilon were all read correctly.
 */
public final class ReferenceBert {
    private ReferenceBert() {
    }

    /** last_hidden_state [tokens][hidden] for one unpadded single-segment sequence (token type 0). */
    public static double[][] forward(BertConfig c, BertWeights w, int[] ids) {
        return forward(c, w, ids, new int[ids.length]);
    }

    /** last_hidden_state [tokens][hidden] for one unpadded sequence. */
    public static double[][] forward(BertConfig c, BertWeights w, int[] ids, int[] typeIds) {
        int n = ids.length;
        int h = c.hiddenSize();
        double[][] x = new double[n][h];
        for (int t = 0; t < n; t++) {
            for (int j = 0; j < h; j++) {
                x[t][j] = w.wordEmbeddings()[ids[t] * h + j] + w.positionEmbeddings()[t * h + j]
                        + w.typeEmbeddings()[typeIds[t] * h + j];
            }
        }
        x = ReferenceMath.layerNorm(x, w.embeddingNorm(), c.layerNormEps());
        for (BertWeights.Layer l : w.layers()) {
            double[][] attention = ReferenceMath.dense(selfAttention(c, l, x), l.attentionOutput());
            x = ReferenceMath.layerNorm(ReferenceMath.add(x, attention), l.attentionNorm(), c.layerNormEps());
            double[][] inter = ReferenceMath.dense(x, l.intermediate());
            for (double[] row : inter) {
                for (int j = 0; j < row.length; j++) {
                    row[j] = KernelReference.gelu(row[j]);
                }
            }
            x = ReferenceMath.layerNorm(ReferenceMath.add(x, ReferenceMath.dense(inter, l.output())), l.outputNorm(), c.layerNormEps());
        }
        return x;
    }

    private static double[][] selfAttention(BertConfig c, BertWeights.Layer l, double[][] x) {
        double[][] q = ReferenceMath.dense(x, l.query());
        double[][] k = ReferenceMath.dense(x, l.key());
        double[][] v = ReferenceMath.dense(x, l.value());
        int n = x.length;
        int d = c.headSize();
        double[][] context = new double[n][c.hiddenSize()];
        for (int head = 0; head < c.numHeads(); head++) {
            int o = head * d;
            for (int i = 0; i < n; i++) {
                double[] p = new double[n];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int e = 0; e < d; e++) {
                        s += q[i][o + e] * k[j][o + e];
                    }
                    p[j] = s / Math.sqrt(d);
                    max = Math.max(max, p[j]);
                }
                double sum = 0;
                for (int j = 0; j < n; j++) {
                    p[j] = Math.exp(p[j] - max);
                    sum += p[j];
                }
                for (int j = 0; j < n; j++) {
                    for (int e = 0; e < d; e++) {
                        context[i][o + e] += p[j] / sum * v[j][o + e];
                    }
                }
            }
        }
        return context;
    }
}
