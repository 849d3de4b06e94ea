package dev.semstream.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;

/** What the kernels are checked against: activations from their definitions in double precision, random operands, a tolerance check. */
public final class KernelReference {
    private KernelReference() {
    }

    /** GELU, exact erf form. */
    public static double gelu(double x) {
        return 0.5 * x * (1 + erf(x / Math.sqrt(2)));
    }

    /** erf to ~1e-15 via its Maclaurin series near 0 and the continued fraction of erfc beyond. */
    public static double erf(double x) {
        double ax = Math.abs(x);
        double r;
        if (ax < 2.5) {
            double term = ax;
            double sum = ax;
            for (int k = 1; k < 100; k++) {
                term *= -ax * ax / k;
                double add = term / (2 * k + 1);
                sum += add;
                if (Math.abs(add) < 1e-17) {
                    break;
                }
            }
            r = 2 / Math.sqrt(Math.PI) * sum;
        } else {
            double f = 0; // Lentz-free backward evaluation of erfc's continued fraction
            for (int k = 60; k >= 1; k--) {
                f = k / 2.0 / (ax + f);
            }
            r = 1 - Math.exp(-ax * ax) / Math.sqrt(Math.PI) / (ax + f);
        }
        return x < 0 ? -r : r;
    }


    /** GELU, tanh form, from its definition in double precision (Math.tanh, not the exp identity). */
    public static double geluTanh(double x) {
        return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
    }

    public static float[] random(Random rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) rnd.nextGaussian();
        }
        return a;
    }

    public static void assertClose(float[] expected, float[] actual, float tol, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            float t = tol * Math.max(1f, Math.abs(expected[i]));
            if (Math.abs(expected[i] - actual[i]) > t) {
                throw new AssertionError(what + ": index " + i + " expected " + expected[i] + " but was "
                        + actual[i] + " (tolerance " + t + ")");
            }
        }
    }
}
