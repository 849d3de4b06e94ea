package dev.semstream.kernels;

import org.junit.jupiter.api.Test;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The exponential inside softmax and GELU is the same bits in every JIT tier. The vector API's {@code EXP} is
 * not: C2 computes it with its own short-vector routine, the interpreter lane by lane with {@code Math.exp}, so
 * a training step changed once its kernels were compiled, and two runs of the same training diverged apart
 * (plain SGD at the edge of stability ended at 0.03 nats in one JVM and 2.6e9 in the next).
 */
class ExpTest {

    @Test
    void softmaxAndGeluAreTheSameBitsColdAndCompiled() {
        Kernels kernels = Kernels.best();
        Random rnd = new Random(11);
        int n = 1000 + 7;
        float[] input = new float[n];
        for (int i = 0; i < n; i++) {
            input[i] = (float) (rnd.nextGaussian() * 4);
        }
        float[] grad = new float[n];
        java.util.Arrays.fill(grad, 1f);
        float[][] first = null;
        float[] x = new float[n];
        float[] g = new float[n];
        float[] y = new float[n];
        // The first pass may run in the interpreter, the last in C2 code: 20,000 calls are past its threshold.
        for (int pass = 0; pass < 20_000; pass++) {
            System.arraycopy(input, 0, x, 0, n);
            float logSumExp = kernels.softmax(x, 0, n);
            System.arraycopy(input, 0, y, 0, n);
            kernels.geluTanh(y, 0, n);
            System.arraycopy(grad, 0, g, 0, n);
            kernels.geluTanhBackward(input, 0, g, 0, n);
            if (pass == 0) {
                first = new float[][]{x.clone(), y.clone(), g.clone(), {logSumExp}};
            } else if (pass == 19_999) {
                float[][] last = {x, y, g, {logSumExp}};
                String[] what = {"softmax", "geluTanh", "geluTanhBackward", "log-sum-exp"};
                for (int k = 0; k < last.length; k++) {
                    for (int i = 0; i < last[k].length; i++) {
                        assertEquals(Float.floatToIntBits(first[k][i]), Float.floatToIntBits(last[k][i]),
                                what[k] + " of " + input[i] + " at " + i + ": " + first[k][i] + " cold, "
                                        + last[k][i] + " compiled");
                    }
                }
            }
        }
    }

    @Test
    void isWithinTwoUlpOfTheTrueValueOverTheWholeRange() {
        int worst = 0;
        for (float x = Exp.UNDERFLOW + 1e-3f; x < Exp.OVERFLOW; x = Math.nextUp(x + Math.abs(x) * 1e-4f + 1e-6f)) {
            double truth = Math.exp(x);
            float actual = Exp.of(x);
            int ulps = (int) Math.round(Math.abs(actual - truth) / Math.ulp((float) truth));
            worst = Math.max(worst, ulps);
            assertTrue(ulps <= 2, "exp(" + x + ") = " + actual + ", true " + truth + ": " + ulps + " ulp");
        }
        assertTrue(worst >= 1, "a sweep that never rounds is not sweeping");
    }

    @Test
    void theEdgesAreZeroClampedAndNaN() {
        assertEquals(0f, Exp.of(Float.NEGATIVE_INFINITY));
        assertEquals(0f, Exp.of(-100f));
        assertEquals(1f, Exp.of(0f));
        assertEquals(Exp.of(Exp.OVERFLOW), Exp.of(1000f));
        assertTrue(Float.isFinite(Exp.of(Float.POSITIVE_INFINITY)));
        assertTrue(Float.isNaN(Exp.of(Float.NaN)));
    }

    @Test
    void everyLaneIsTheScalarsBitsAtEveryWidth() {
        Random rnd = new Random(2);
        for (VectorSpecies<Float> species : List.of(FloatVector.SPECIES_128, FloatVector.SPECIES_256,
                FloatVector.SPECIES_512)) {
            float[] x = new float[species.length()];
            float[] y = new float[species.length()];
            for (int n = 0; n < 5_000; n++) {
                for (int i = 0; i < x.length; i++) {
                    x[i] = switch (rnd.nextInt(8)) {
                        case 0 -> Float.NEGATIVE_INFINITY;
                        case 1 -> Float.NaN;
                        case 2 -> (float) (rnd.nextDouble() * 400 - 200);
                        default -> (float) (rnd.nextGaussian() * 10);
                    };
                }
                Exp.of(FloatVector.fromArray(species, x, 0)).intoArray(y, 0);
                for (int i = 0; i < x.length; i++) {
                    assertEquals(Float.floatToIntBits(Exp.of(x[i])), Float.floatToIntBits(y[i]),
                            species + ": exp(" + x[i] + ")");
                }
            }
        }
    }
}
