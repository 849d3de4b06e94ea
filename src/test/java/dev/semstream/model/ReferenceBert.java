package dev.semstream.model;

/**
 * BERT written the plainest way, in double precision, one text at a time, straight from the
 * definition. It shares no code with the engine, so agreement means the engine's packing, fusion and
 * kernels compute the same function.
 */
final class ReferenceBert {
    private ReferenceBert() {
    }

    /** Last hidden state [len][hidden] of one sequence. */
    static double[][] forward(BertConfig c, BertWeights w, int[] ids) {
        int n = ids.length;
        int h = c.hiddenSize();
        double[][] x = new double[n][h];
        for (int t = 0; t < n; t++) {
            for (int i = 0; i < h; i++) {
                x[t][i] = w.wordEmbeddings()[ids[t] * h + i] + w.positionEmbeddings()[t * h + i]
                        + w.typeEmbeddings()[i];
            }
            layerNorm(x[t], w.embeddingNorm(), c.layerNormEps());
        }
        for (BertWeights.Layer l : w.layers()) {
            double[][] q = linear(x, l.query());
            double[][] k = linear(x, l.key());
            double[][] v = linear(x, l.value());
            double[][] ctx = new double[n][h];
            int hs = c.headSize();
            for (int head = 0; head < c.numHeads(); head++) {
                for (int i = 0; i < n; i++) {
                    double[] s = new double[n];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < n; j++) {
                        for (int d = 0; d < hs; d++) {
                            s[j] += q[i][head * hs + d] * k[j][head * hs + d];
                        }
                        s[j] /= Math.sqrt(hs);
                        max = Math.max(max, s[j]);
                    }
                    double sum = 0;
                    for (int j = 0; j < n; j++) {
                        s[j] = Math.exp(s[j] - max);
                        sum += s[j];
                    }
                    for (int j = 0; j < n; j++) {
                        for (int d = 0; d < hs; d++) {
                            ctx[i][head * hs + d] += s[j] / sum * v[j][head * hs + d];
                        }
                    }
                }
            }
            double[][] attn = linear(ctx, l.attentionOutput());
            for (int t = 0; t < n; t++) {
                for (int i = 0; i < h; i++) {
                    x[t][i] += attn[t][i];
                }
                layerNorm(x[t], l.attentionNorm(), c.layerNormEps());
            }
            double[][] inter = linear(x, l.intermediate());
            for (double[] row : inter) {
                for (int i = 0; i < row.length; i++) {
                    row[i] = KernelsTest.gelu(row[i]);
                }
            }
            double[][] out = linear(inter, l.output());
            for (int t = 0; t < n; t++) {
                for (int i = 0; i < h; i++) {
                    x[t][i] += out[t][i];
                }
                layerNorm(x[t], l.outputNorm(), c.layerNormEps());
            }
        }
        return x;
    }

    private static double[][] linear(double[][] x, Linear l) {
        double[][] y = new double[x.length][l.out()];
        for (int t = 0; t < x.length; t++) {
            for (int o = 0; o < l.out(); o++) {
                double s = l.bias()[o];
                for (int i = 0; i < l.in(); i++) {
                    s += x[t][i] * l.weight()[i * l.out() + o];
                }
                y[t][o] = s;
            }
        }
        return y;
    }

    private static void layerNorm(double[] x, Norm norm, double eps) {
        double mean = 0;
        for (double v : x) {
            mean += v;
        }
        mean /= x.length;
        double var = 0;
        for (double v : x) {
            var += (v - mean) * (v - mean);
        }
        var /= x.length;
        for (int i = 0; i < x.length; i++) {
            x[i] = (x[i] - mean) / Math.sqrt(var + eps) * norm.gamma()[i] + norm.beta()[i];
        }
    }
}
