package dev.semstream.train;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AdamWTest {
    private static final float B1 = 0.9f;
    private static final float B2 = 0.95f;
    private static final float EPS = 1e-8f;
    private static final float DECAY = 0.1f;

    /** Adam with decoupled decay, straight from the paper's formulas, in double. */
    private static final class Reference {
        final double[] w;
        final double[] m;
        final double[] v;
        final boolean decayed;
        int t;

        Reference(float[] w, boolean decayed) {
            this.w = new double[w.length];
            for (int i = 0; i < w.length; i++) {
                this.w[i] = w[i];
            }
            m = new double[w.length];
            v = new double[w.length];
            this.decayed = decayed;
        }

        void step(float[] g, double lr) {
            t++;
            for (int i = 0; i < w.length; i++) {
                if (decayed) {
                    w[i] -= lr * DECAY * w[i];
                }
                m[i] = B1 * m[i] + (1 - B1) * g[i];
                v[i] = B2 * v[i] + (1 - B2) * (double) g[i] * g[i];
                double mHat = m[i] / (1 - Math.pow(B1, t));
                double vHat = v[i] / (1 - Math.pow(B2, t));
                w[i] -= lr * mHat / (Math.sqrt(vHat) + EPS);
            }
        }
    }

    @Test
    void matchesTheTextbookUpdateInDoubleOverSeveralStepsWithDecayOnlyOnDecayedTensors() {
        Parameter weight = new Parameter("h.0.mlp.c_fc.weight", new float[]{0.5f, -1.25f, 2f, 0f}, new float[4], true);
        Parameter bias = new Parameter("h.0.mlp.c_fc.bias", new float[]{0.5f, -1.25f, 2f, 0f}, new float[4], false);
        List<Parameter> ps = List.of(weight, bias);
        Reference refWeight = new Reference(weight.value(), true);
        Reference refBias = new Reference(bias.value(), false);
        AdamW adam = new AdamW(ps, B1, B2, EPS, DECAY);
        float[][] gradients = {{0.1f, -0.2f, 0.3f, 0f}, {-0.05f, 0.4f, 0.3f, 1e-3f}, {0.2f, 0.2f, -0.1f, -1e-3f},
                {1f, -1f, 0f, 5f}, {0.01f, 0.02f, 0.03f, 0.04f}};
        float lr = 0.01f;
        for (float[] g : gradients) {
            System.arraycopy(g, 0, weight.grad(), 0, 4);
            System.arraycopy(g, 0, bias.grad(), 0, 4);
            adam.step(ps, lr);
            refWeight.step(g, lr);
            refBias.step(g, lr);
        }
        assertEquals(gradients.length, adam.stepCount());
        for (int i = 0; i < 4; i++) {
            assertEquals(refWeight.w[i], weight.value()[i], 1e-6, "weight " + i);
            assertEquals(refBias.w[i], bias.value()[i], 1e-6, "bias " + i);
        }
        // The same gradients, the only difference decay: weight 2.0 shrank by about lr x decay x 2 x 5 steps.
        assertTrue(bias.value()[2] - weight.value()[2] > 0.009, "decay pulled the weight, not the bias");
        assertEquals(refBias.m[1], adam.firstMoment(1)[1], 1e-7);
        assertEquals(refBias.v[1], adam.secondMoment(1)[1], 1e-8);
    }

    @Test
    void theFirstStepMovesEveryWeightByTheLearningRateWhateverItsGradientScale() {
        // Bias correction: after one step m/sqrt(v) is sign(g), so a weight moves by lr regardless of |g|.
        Parameter p = new Parameter("b", new float[3], new float[]{1e-4f, -3f, 250f}, false);
        new AdamW(List.of(p), B1, B2, EPS, DECAY).step(List.of(p), 0.5f);
        assertArrayEquals(new float[]{-0.5f, 0.5f, -0.5f}, p.value(), 1e-4f);
    }

    @Test
    void minimisesAQuadraticBowlToItsCentre() {
        // f(w) = sum_i c_i (w_i - t_i)^2, curvatures four orders of magnitude apart: Adam's per-weight scaling copes.
        float[] target = {3f, -2f, 0.5f, 10f};
        float[] curvature = {1e-2f, 1f, 10f, 100f};
        Parameter p = new Parameter("w", new float[4], new float[4], false);
        AdamW adam = new AdamW(List.of(p), 0.9f, 0.99f, EPS, 0f);
        LearningRateSchedule schedule = new LearningRateSchedule(0.1f, 1e-4f, 20, 3000);
        for (int step = 0; step < 3000; step++) {
            for (int i = 0; i < 4; i++) {
                p.grad()[i] = 2 * curvature[i] * (p.value()[i] - target[i]);
            }
            adam.step(List.of(p), schedule.at(step));
        }
        assertArrayEquals(target, p.value(), 1e-3f);
    }

    @Test
    void decayAloneShrinksADecayedWeightGeometrically() {
        Parameter p = new Parameter("w", new float[]{1f}, new float[1], true);
        AdamW adam = new AdamW(List.of(p), B1, B2, EPS, 0.5f);
        for (int i = 0; i < 10; i++) {
            adam.step(List.of(p), 0.1f);
        }
        assertEquals(Math.pow(1 - 0.1 * 0.5, 10), p.value()[0], 1e-6);
    }

    @Test
    void restoredStateContinuesBitForBitAndLargeTensorsSplitIntoChunksGiveTheSameBits() {
        int n = 100_003; // several parallel chunks, the last one short
        float[] init = new float[n];
        for (int i = 0; i < n; i++) {
            init[i] = (float) Math.sin(i);
        }
        Parameter a = new Parameter("a", init.clone(), new float[n], true);
        Parameter b = new Parameter("b", init.clone(), new float[n], true);
        AdamW straight = new AdamW(List.of(a), B1, B2, EPS, DECAY);
        AdamW first = new AdamW(List.of(b), B1, B2, EPS, DECAY);
        for (int step = 0; step < 6; step++) {
            for (int i = 0; i < n; i++) {
                a.grad()[i] = b.grad()[i] = (float) Math.cos(i * (step + 1));
            }
            straight.step(List.of(a), 1e-2f);
            if (step < 3) {
                first.step(List.of(b), 1e-2f);
            } else {
                if (step == 3) {
                    AdamW resumed = new AdamW(List.of(b), B1, B2, EPS, DECAY);
                    resumed.restore(first.stepCount(), List.of(first.firstMoment(0).clone()),
                            List.of(first.secondMoment(0).clone()));
                    first = resumed;
                }
                first.step(List.of(b), 1e-2f);
            }
        }
        assertArrayEquals(a.value(), b.value());
        for (int i = 0; i < n; i++) {
            // each element alone, in float, as the chunked parallel loop must also compute it
            assertEquals(Float.floatToIntBits(a.value()[i]), Float.floatToIntBits(b.value()[i]));
        }
    }

    @Test
    void refusesAParameterListItWasNotMadeFor() {
        Parameter p = new Parameter("w", new float[2], new float[2], true);
        AdamW adam = new AdamW(List.of(p), B1, B2, EPS, DECAY);
        assertThrows(IllegalArgumentException.class, () -> adam.step(List.of(p, p), 1e-3f));
        assertThrows(IllegalArgumentException.class,
                () -> adam.step(List.of(new Parameter("w", new float[3], new float[3], true)), 1e-3f));
    }
}
