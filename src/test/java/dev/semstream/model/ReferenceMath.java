package dev.semstream.model;

/**
 * The plain double-precision operations the reference models (ReferenceBert, ReferenceGpt) are written
 * in, straight from their definitions: what the engine's kernels are checked against.
 */
final class ReferenceMath {
    private ReferenceMath() {
    }

    /** y = x W + b with W stored [in][out]. */
    static double[][] dense(double[][] x, Linear l) {
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

    static double[][] layerNorm(double[][] x, Norm n, double eps) {
        double[][] y = new double[x.length][];
        for (int t = 0; t < x.length; t++) {
            double mean = 0;
            for (double v : x[t]) {
                mean += v;
            }
            mean /= x[t].length;
            double var = 0;
            for (double v : x[t]) {
                var += (v - mean) * (v - mean);
            }
            var /= x[t].length;
            y[t] = new double[x[t].length];
            for (int j = 0; j < x[t].length; j++) {
                y[t][j] = (x[t][j] - mean) / Math.sqrt(var + eps) * n.gamma()[j] + n.beta()[j];
            }
        }
        return y;
    }

    static double[][] add(double[][] a, double[][] b) {
        double[][] y = new double[a.length][a[0].length];
        for (int t = 0; t < a.length; t++) {
            for (int j = 0; j < a[t].length; j++) {
                y[t][j] = a[t][j] + b[t][j];
            }
        }
        return y;
    }
}
