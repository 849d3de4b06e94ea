package dev.semstream.model.sampling;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every sampler on logits the test controls, where the right answer or distribution is known. */
public class SamplerTest {
    private static final int DRAWS = 200_000;

    static float[] randomLogits(int n, long seed) {
        Random r = new Random(seed);
        float[] l = new float[n];
        for (int i = 0; i < n; i++) {
            l[i] = (float) (r.nextGaussian() * 2);
        }
        return l;
    }

    private static int argmax(float[] l) {
        int best = 0;
        for (int i = 1; i < l.length; i++) {
            if (l[i] > l[best]) {
                best = i;
            }
        }
        return best;
    }

    /** softmax(l / t) in double: the tests' reference, computed apart from the code under test. */
    public static double[] softmax(float[] l, double t) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : l) {
            max = Math.max(max, v);
        }
        double[] p = new double[l.length];
        double sum = 0;
        for (int i = 0; i < l.length; i++) {
            p[i] = Math.exp((l[i] - max) / t);
            sum += p[i];
        }
        for (int i = 0; i < l.length; i++) {
            p[i] /= sum;
        }
        return p;
    }

    private static int[] counts(Sampler s, float[] logits, int draws) {
        int[] c = new int[logits.length];
        for (int i = 0; i < draws; i++) {
            c[s.sample(logits.clone())]++;
        }
        return c;
    }

    /**
     * Pearson's chi-square of counts against expected probabilities, pooling cells expected below 5. With
     * df degrees of freedom its mean is df and its sd sqrt(2 df); a bound of df + 6 sd fails a correct sampler
     * about once in a billion runs and a wrong one (say, temperature ignored) by orders of magnitude.
     */
    private static void assertFollows(double[] p, int[] counts, int draws, String what) {
        double chi2 = 0;
        int df = -1;
        double pooledExpected = 0;
        double pooledObserved = 0;
        for (int i = 0; i < p.length; i++) {
            double e = p[i] * draws;
            if (e < 5) {
                pooledExpected += e;
                pooledObserved += counts[i];
                continue;
            }
            chi2 += (counts[i] - e) * (counts[i] - e) / e;
            df++;
        }
        if (pooledExpected >= 5) {
            chi2 += (pooledObserved - pooledExpected) * (pooledObserved - pooledExpected) / pooledExpected;
            df++;
        }
        double bound = df + 6 * Math.sqrt(2.0 * df);
        assertTrue(chi2 < bound, what + ": chi-square " + chi2 + " with " + df + " degrees of freedom, bound " + bound);
    }

    @Test
    void temperatureZeroIsGreedyAndNearZeroIsArgmax() {
        float[] logits = randomLogits(1000, 1);
        assertInstanceOf(GreedySampler.class, Sampler.of(0f, 40, 0.9f, new SplittableRandom(1)));
        assertEquals(argmax(logits), Sampler.of(0f, 0, 1f, new SplittableRandom(1)).sample(logits.clone()));
        for (Sampler s : new Sampler[]{new TemperatureSampler(1e-3f, new SplittableRandom(2)),
                new TopKSampler(50, 1e-3f, new SplittableRandom(3)), new TopPSampler(0.99f, 1e-3f, new SplittableRandom(4))}) {
            for (int i = 0; i < 100; i++) {
                assertEquals(argmax(logits), s.sample(logits.clone()), s.getClass().getSimpleName());
            }
        }
    }

    @Test
    void greedyBreaksTiesTowardsTheLowerId() {
        assertEquals(1, new GreedySampler().sample(new float[]{0f, 3f, 3f, -1f}));
    }

    @Test
    void temperatureDrawsFollowTheSoftmax() {
        float[] logits = randomLogits(50, 2);
        for (float t : new float[]{0.5f, 1f, 2f}) {
            assertFollows(softmax(logits, t), counts(new TemperatureSampler(t, new SplittableRandom(7)), logits, DRAWS),
                    DRAWS, "temperature " + t);
        }
    }

    @Test
    void aSamplerThatIgnoredTemperatureWouldFailTheFrequencyCheck() {
        float[] logits = randomLogits(50, 2);
        int[] atOne = counts(new TemperatureSampler(1f, new SplittableRandom(7)), logits, DRAWS);
        assertThrows(AssertionError.class, () -> assertFollows(softmax(logits, 0.5), atOne, DRAWS, "wrong temperature"));
    }

    @Test
    void topKNeverPicksOutsideTheKAndFollowsTheirSoftmax() {
        float[] logits = randomLogits(300, 3);
        int k = 10;
        Integer[] order = new Integer[logits.length];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, (a, b) -> Float.compare(logits[b], logits[a]));
        Set<Integer> top = new HashSet<>(Arrays.asList(order).subList(0, k));
        int[] c = counts(new TopKSampler(k, 1f, new SplittableRandom(5)), logits, DRAWS);
        double[] expected = new double[logits.length];
        float[] restricted = new float[k];
        for (int i = 0; i < k; i++) {
            restricted[i] = logits[order[i]];
        }
        double[] pk = softmax(restricted, 1);
        for (int i = 0; i < k; i++) {
            expected[order[i]] = pk[i];
        }
        for (int id = 0; id < logits.length; id++) {
            if (!top.contains(id)) {
                assertEquals(0, c[id], "token " + id + " is outside the top " + k);
            }
        }
        assertFollows(expected, c, DRAWS, "top-k");
    }

    @Test
    void topPNeverPicksOutsideTheNucleusAndFollowsItsSoftmax() {
        float[] logits = randomLogits(2000, 4);
        float p = 0.7f;
        double[] probs = softmax(logits, 1);
        Integer[] order = new Integer[logits.length];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, (a, b) -> Double.compare(probs[b], probs[a]));
        double mass = 0;
        int size = 0;
        while (mass < p) {
            mass += probs[order[size++]];
        }
        Set<Integer> nucleus = new HashSet<>(Arrays.asList(order).subList(0, size));
        int[] c = counts(new TopPSampler(p, 1f, new SplittableRandom(6)), logits, DRAWS);
        double[] expected = new double[logits.length];
        for (int id : nucleus) {
            expected[id] = probs[id] / mass;
        }
        for (int id = 0; id < logits.length; id++) {
            if (!nucleus.contains(id)) {
                assertEquals(0, c[id], "token " + id + " is outside the nucleus of " + size);
            }
        }
        assertTrue(size > 5 && size < logits.length / 2, "nucleus of " + size);
        assertFollows(expected, c, DRAWS, "top-p");
    }

    @Test
    void topKThenTopPKeepsTheNucleusOfTheK() {
        // Probabilities 0.4, 0.3, 0.2, 0.1 (and a tail) : top-3 renormalises to 4/9, 3/9, 2/9; p = 0.7 keeps two.
        float[] logits = {(float) Math.log(0.4), (float) Math.log(0.3), (float) Math.log(0.2), (float) Math.log(0.1), -50f};
        int[] c = counts(new TopKTopPSampler(3, 0.7f, 1f, new SplittableRandom(8)), logits, 50_000);
        assertEquals(0, c[2] + c[3] + c[4], Arrays.toString(c));
        assertFollows(new double[]{4.0 / 7, 3.0 / 7, 0, 0, 0}, c, 50_000, "top-k then top-p");
        assertInstanceOf(TopKTopPSampler.class, Sampler.of(1f, 3, 0.7f, new SplittableRandom(1)));
    }

    @Test
    void theSameSeedGivesTheSameDraws() {
        float[] logits = randomLogits(500, 5);
        for (int[] kp : new int[][]{{0, 100}, {40, 100}, {0, 90}, {40, 90}}) {
            Sampler a = Sampler.of(1f, kp[0], kp[1] / 100f, new SplittableRandom(99));
            Sampler b = Sampler.of(1f, kp[0], kp[1] / 100f, new SplittableRandom(99));
            int[] da = new int[200];
            int[] db = new int[200];
            for (int i = 0; i < 200; i++) {
                da[i] = a.sample(logits.clone());
                db[i] = b.sample(logits.clone());
            }
            assertTrue(Arrays.equals(da, db), Arrays.toString(kp));
            assertTrue(Arrays.stream(da).distinct().count() > 10, "draws vary: " + Arrays.toString(kp));
        }
    }

    @Test
    void invalidSettingsAreRefused() {
        SplittableRandom r = new SplittableRandom(1);
        assertThrows(IllegalArgumentException.class, () -> Sampler.of(-0.1f, 0, 1f, r));
        assertThrows(IllegalArgumentException.class, () -> Sampler.of(Float.NaN, 0, 1f, r));
        assertThrows(IllegalArgumentException.class, () -> Sampler.of(1f, -1, 1f, r));
        assertThrows(IllegalArgumentException.class, () -> Sampler.of(1f, 0, 0f, r));
        assertThrows(IllegalArgumentException.class, () -> Sampler.of(1f, 0, 1.01f, r));
    }

    @Test
    void aLargeVocabularyWithMaskedTokens() {
        // GPT-2 sized logits with -infinity entries: masked tokens are never drawn.
        float[] logits = randomLogits(50257, 6);
        for (int i = 0; i < logits.length; i += 2) {
            logits[i] = Float.NEGATIVE_INFINITY;
        }
        for (Sampler s : new Sampler[]{new TemperatureSampler(1f, new SplittableRandom(1)),
                new TopKSampler(40, 1f, new SplittableRandom(1)), new TopPSampler(0.95f, 1f, new SplittableRandom(1))}) {
            for (int i = 0; i < 200; i++) {
                assertEquals(1, s.sample(logits.clone()) % 2, s.getClass().getSimpleName());
            }
        }
    }
}
