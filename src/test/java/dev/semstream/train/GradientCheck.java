package dev.semstream.train;

import java.util.function.ToDoubleFunction;

/**
 * Central finite differences in double precision, and the comparison of a float analytic gradient against them.
 * The difference step h = 1e-5 leaves an O(h^2) ~ 1e-10 truncation error and ~1e-11 of rounding: far below the
 * float gradient's own error, so what the comparison measures is the float op.
 */
final class GradientCheck {
    static final double H = 1e-5;

    private GradientCheck() {
    }

    /** d f / d x[i] for every i, x perturbed in place and restored. */
    static double[] numeric(double[] x, ToDoubleFunction<double[]> f) {
        double[] g = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double keep = x[i];
            x[i] = keep + H;
            double up = f.applyAsDouble(x);
            x[i] = keep - H;
            double down = f.applyAsDouble(x);
            x[i] = keep;
            g[i] = (up - down) / (2 * H);
        }
        return g;
    }

    /**
     * Fails unless every element agrees to within {@code tolerance} times the tensor's largest gradient (a relative
     * error per element would fail on gradients that are near zero by cancellation, where float rounding dominates).
     * Returns the worst error so relative to that scale.
     */
    static double assertClose(double[] expected, float[] actual, double tolerance, String what) {
        if (expected.length != actual.length) {
            throw new AssertionError(what + ": " + expected.length + " vs " + actual.length + " values");
        }
        double scale = 1e-12;
        for (double e : expected) {
            scale = Math.max(scale, Math.abs(e));
        }
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            double err = Math.abs(expected[i] - actual[i]) / scale;
            worst = Math.max(worst, err);
            if (err > tolerance) {
                throw new AssertionError(what + "[" + i + "]: finite difference " + expected[i] + ", analytic "
                        + actual[i] + " (error " + err + " of the largest gradient " + scale + ", tolerance "
                        + tolerance + ")");
            }
        }
        return worst;
    }
}
