package dev.semstream.model.sampling;

import dev.semstream.kernels.Kernels;
import dev.semstream.model.GptConfig;
import dev.semstream.model.GptModel;
import dev.semstream.model.TinyGpt;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The next-token distribution against the definitions and against the samplers themselves: what it says is kept
 * is exactly what a seeded sampler with the same settings draws, in the proportions it says.
 */
class NextTokenDistributionTest {
    /** The logits a real (tiny, random) decoder gives after a prompt. */
    private static final float[] MODEL_LOGITS = modelLogits();
    private static final float[] WIDE = SamplerTest.randomLogits(5000, 3);

    private static float[] modelLogits() {
        GptConfig c = TinyGpt.config();
        GptModel model = new GptModel(c, TinyGpt.weights(c, 42), Kernels.best());
        int[] prompt = {3, 17, 4, 40, 9};
        return model.append(model.newCache(prompt.length), prompt);
    }

    private record Settings(float temperature, int topK, float topP) {
    }

    private static List<Settings> settings() {
        List<Settings> s = new ArrayList<>();
        for (float t : new float[]{0f, 0.5f, 1f, 1.7f}) {
            for (int k : new int[]{0, 1, 7, 40}) {
                for (float p : new float[]{1f, 0.9f, 0.3f}) {
                    s.add(new Settings(t, k, p));
                }
            }
        }
        return s;
    }

    private static NextTokenDistribution of(float[] logits, Settings s) {
        return NextTokenDistribution.of(logits, s.temperature(), s.topK(), s.topP());
    }

    @Test
    void everyColumnSumsToOne() {
        for (float[] logits : List.of(MODEL_LOGITS, WIDE)) {
            for (Settings s : settings()) {
                NextTokenDistribution d = of(logits, s);
                double probability = 0;
                double tempered = 0;
                double sampling = 0;
                for (int id = 0; id < d.vocabSize(); id++) {
                    probability += d.probability(id);
                    tempered += d.tempered(id);
                    sampling += d.sampling(id);
                    assertTrue(d.kept(id) || d.sampling(id) == 0, s + ": token " + id + " is drawn but not kept");
                }
                assertEquals(1, probability, 1e-9, s.toString());
                assertEquals(1, tempered, 1e-9, s.toString());
                assertEquals(1, sampling, 1e-9, s.toString());
            }
        }
    }

    @Test
    void temperedIsTheSoftmaxOfTheModelsLogitsOverTheTemperature() {
        for (float t : new float[]{0.25f, 1f, 3f}) {
            NextTokenDistribution d = NextTokenDistribution.of(MODEL_LOGITS, t, 5, 0.8f);
            double[] expected = SamplerTest.softmax(MODEL_LOGITS, t);
            double[] atOne = SamplerTest.softmax(MODEL_LOGITS, 1);
            for (int id = 0; id < d.vocabSize(); id++) {
                assertEquals(expected[id], d.tempered(id), 1e-12, "T=" + t + " token " + id);
                assertEquals(atOne[id], d.probability(id), 1e-12);
                assertEquals(MODEL_LOGITS[id], d.logit(id));
            }
        }
    }

    @Test
    void theKeptSetIsTopKThenTheNucleusOfTheTopK() {
        for (float[] logits : List.of(MODEL_LOGITS, WIDE)) {
            for (Settings s : settings()) {
                if (s.temperature() == 0) {
                    continue;
                }
                NextTokenDistribution d = of(logits, s);
                BitSet expected = referenceKeptSet(logits, s);
                BitSet kept = new BitSet();
                for (int id = 0; id < d.vocabSize(); id++) {
                    if (d.kept(id)) {
                        kept.set(id);
                        double share = d.tempered(id) / d.keptMass();
                        assertEquals(share, d.sampling(id), 1e-6 * Math.max(share, 1e-3), s + " token " + id);
                    }
                }
                assertEquals(expected, kept, s.toString());
                assertEquals(expected.cardinality(), d.keptCount());
            }
        }
    }

    @Test
    void theSamplerDrawsOnlyKeptTokensInTheSamplingProportions() {
        int draws = 40_000;
        for (Settings s : List.of(new Settings(1f, 0, 1f), new Settings(0.7f, 12, 1f), new Settings(1.3f, 0, 0.6f),
                new Settings(1f, 20, 0.5f), new Settings(0f, 0, 1f), new Settings(2f, 3, 0.99f))) {
            NextTokenDistribution d = of(MODEL_LOGITS, s);
            Sampler sampler = Sampler.of(s.temperature(), s.topK(), s.topP(), new SplittableRandom(11));
            int[] counts = new int[d.vocabSize()];
            for (int i = 0; i < draws; i++) {
                int id = sampler.sample(MODEL_LOGITS.clone());
                assertTrue(d.kept(id), s + " drew token " + id + ", which the distribution says is not kept");
                counts[id]++;
            }
            for (int id = 0; id < d.vocabSize(); id++) {
                double p = d.sampling(id);
                double sigma = Math.sqrt(draws * p * (1 - p));
                assertEquals(draws * p, counts[id], 5 * sigma + 2, s + " token " + id);
            }
        }
    }

    @Test
    void temperatureZeroPutsEverythingOnTheArgmax() {
        NextTokenDistribution d = NextTokenDistribution.of(WIDE, 0f, 50, 0.5f);
        int argmax = new GreedySampler().sample(WIDE.clone());
        assertEquals(1, d.keptCount());
        assertTrue(d.kept(argmax));
        assertEquals(1.0, d.tempered(argmax));
        assertEquals(1.0, d.sampling(argmax));
        assertEquals(1.0, d.keptMass());
        assertEquals(argmax, d.top(1)[0]);
    }

    @Test
    void topKOfOneKeepsOnlyTheMostLikelyToken() {
        NextTokenDistribution d = NextTokenDistribution.of(WIDE, 1.5f, 1, 1f);
        assertEquals(1, d.keptCount());
        int best = d.top(1)[0];
        assertTrue(d.kept(best));
        assertEquals(1.0, d.sampling(best));
        assertEquals(d.tempered(best), d.keptMass());
    }

    @Test
    void aSmallTopPKeepsTheSmallestPrefixReachingIt() {
        for (float p : new float[]{0.01f, 0.2f, 0.5f}) {
            NextTokenDistribution d = NextTokenDistribution.of(WIDE, 1f, 0, p);
            int[] ranked = d.top(d.vocabSize());
            int kept = d.keptCount();
            double withoutLast = 0;
            for (int i = 0; i < kept; i++) {
                assertTrue(d.kept(ranked[i]), "the kept set is a prefix of the ranking");
                if (i < kept - 1) {
                    withoutLast += d.tempered(ranked[i]);
                }
            }
            assertTrue(d.keptMass() >= p - 1e-6, "p=" + p + ": the nucleus holds " + d.keptMass());
            assertTrue(withoutLast < p, "p=" + p + ": a smaller prefix already reaches p");
            assertTrue(kept < d.vocabSize());
        }
    }

    @Test
    void aHigherTemperatureFlattensTheDistribution() {
        double previous = -1;
        for (float t : new float[]{0.3f, 0.7f, 1f, 1.5f, 3f}) {
            NextTokenDistribution d = NextTokenDistribution.of(MODEL_LOGITS, t, 0, 1f);
            double entropy = 0;
            for (int id = 0; id < d.vocabSize(); id++) {
                double q = d.tempered(id);
                entropy -= q > 0 ? q * Math.log(q) : 0;
            }
            assertTrue(entropy > previous, "T=" + t + ": entropy " + entropy + " is not above " + previous);
            previous = entropy;
        }
    }

    @Test
    void theRankingIsByLogitThenLowerId() {
        float[] logits = {0.5f, 2f, 2f, -1f, 3f};
        assertEquals(List.of(4, 1, 2, 0, 3), boxed(NextTokenDistribution.of(logits, 1f, 0, 1f).top(10)));
        assertEquals(List.of(4, 1), boxed(NextTokenDistribution.of(logits, 1f, 0, 1f).top(2)));
    }

    @Test
    void settingsTheSamplerRefusesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> NextTokenDistribution.of(WIDE, -1f, 0, 1f));
        assertThrows(IllegalArgumentException.class, () -> NextTokenDistribution.of(WIDE, 1f, -1, 1f));
        assertThrows(IllegalArgumentException.class, () -> NextTokenDistribution.of(WIDE, 1f, 0, 0f));
        assertThrows(IllegalArgumentException.class, () -> NextTokenDistribution.of(WIDE, 1f, 0, 1.5f));
    }

    /**
     * Sort by logit (ties: lower id), keep k, then the shortest prefix whose renormalised mass reaches p. With
     * neither, the temperature sampler's float weights decide: a token whose weight underflows to 0 (less than
     * 1e-45 of the maximum's) is never drawn.
     */
    private static BitSet referenceKeptSet(float[] logits, Settings s) {
        if (s.topK() == 0 && s.topP() == 1) {
            float max = Float.NEGATIVE_INFINITY;
            for (float l : logits) {
                max = Math.max(max, l);
            }
            BitSet drawable = new BitSet();
            for (int i = 0; i < logits.length; i++) {
                if ((float) Math.exp((logits[i] - max) / s.temperature()) > 0) {
                    drawable.set(i);
                }
            }
            return drawable;
        }
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < logits.length; i++) {
            ids.add(i);
        }
        ids.sort(Comparator.<Integer>comparingDouble(i -> -logits[i]).thenComparingInt(i -> i));
        int k = s.topK() > 0 ? Math.min(s.topK(), ids.size()) : ids.size();
        double[] t = SamplerTest.softmax(logits, s.temperature());
        double total = 0;
        for (int i = 0; i < k; i++) {
            total += t[ids.get(i)];
        }
        BitSet kept = new BitSet();
        double cumulative = 0;
        for (int i = 0; i < k; i++) {
            kept.set(ids.get(i));
            cumulative += t[ids.get(i)];
            if (s.topP() < 1 && cumulative >= s.topP() * total) {
                break;
            }
        }
        return kept;
    }

    private static List<Integer> boxed(int[] a) {
        List<Integer> out = new ArrayList<>();
        for (int x : a) {
            out.add(x);
        }
        return out;
    }
}
