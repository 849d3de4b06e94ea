package dev.semstream.model.sampling;

import java.util.BitSet;

/**
 * What the sampler would draw the next token from, for every token of the vocabulary: the model's
 * distribution, the tempered one, the tokens top-k and top-p keep, and the distribution the draw uses. Built
 * from the samplers' own pieces ({@link Sampler#of}'s choice, {@link Candidates#of}, {@link GreedySampler}),
 * so it shows exactly what sampling with these settings does.
 */
public final class NextTokenDistribution {
    private final float[] logits;
    private final double[] probability;
    private final double[] tempered;
    private final double[] sampling;
    private final BitSet kept;
    private final double keptMass;

    private NextTokenDistribution(float[] logits, double[] probability, double[] tempered, double[] sampling,
                                  BitSet kept) {
        this.logits = logits;
        this.probability = probability;
        this.tempered = tempered;
        this.sampling = sampling;
        this.kept = kept;
        double mass = 0;
        for (int id = kept.nextSetBit(0); id >= 0; id = kept.nextSetBit(id + 1)) {
            mass += tempered[id];
        }
        this.keptMass = mass;
    }

    /**
     * The distribution for these logits and the settings {@link Sampler#of} takes: temperature 0 is greedy
     * (everything on the argmax), topK 0 and topP 1 keep the whole vocabulary.
     *
     * @throws IllegalArgumentException for settings {@link Sampler#of} refuses
     */
    public static NextTokenDistribution of(float[] logits, float temperature, int topK, float topP) {
        Sampler.requireValid(temperature, topK, topP);
        if (logits.length == 0) {
            throw new IllegalArgumentException("no logits");
        }
        float[] own = logits.clone();
        int n = own.length;
        double[] probability = softmax(own, 1);
        double[] sampling = new double[n];
        BitSet kept = new BitSet(n);
        if (temperature == 0) {
            int best = new GreedySampler().sample(own.clone());
            double[] oneHot = new double[n];
            oneHot[best] = 1;
            sampling[best] = 1;
            kept.set(best);
            return new NextTokenDistribution(own, probability, oneHot, sampling, kept);
        }
        double[] tempered = softmax(own, temperature);
        if (topK == 0 && topP == 1) {
            // The temperature sampler draws from every token whose weight did not round to 0.
            float max = max(own);
            double total = 0;
            for (int id = 0; id < n; id++) {
                if (TemperatureSampler.weight(own[id], max, temperature) > 0) {
                    kept.set(id);
                    total += tempered[id];
                }
            }
            for (int id = kept.nextSetBit(0); id >= 0; id = kept.nextSetBit(id + 1)) {
                sampling[id] = tempered[id] / total;
            }
        } else {
            Candidates c = Candidates.of(own, topK, topP, temperature);
            double total = 0;
            for (int i = 0; i < c.size(); i++) {
                total += c.probability(i);
            }
            for (int i = 0; i < c.size(); i++) {
                kept.set(c.id(i));
                sampling[c.id(i)] = c.probability(i) / total;
            }
        }
        return new NextTokenDistribution(own, probability, tempered, sampling, kept);
    }

    public int vocabSize() {
        return logits.length;
    }

    public float logit(int id) {
        return logits[id];
    }

    /** softmax(logits): the model's own distribution, temperature 1. */
    public double probability(int id) {
        return probability[id];
    }

    /** softmax(logits / temperature) over the whole vocabulary; temperature 0: 1 for the argmax, else 0. */
    public double tempered(int id) {
        return tempered[id];
    }

    /** Whether the sampler can draw this token: it survives top-k and top-p. */
    public boolean kept(int id) {
        return kept.get(id);
    }

    /** The probability the sampler draws this token with: tempered, renormalised over the kept set. */
    public double sampling(int id) {
        return sampling[id];
    }

    public int keptCount() {
        return kept.cardinality();
    }

    /** The tempered probability mass of the kept set. */
    public double keptMass() {
        return keptMass;
    }

    /** The {@code count} tokens with the highest logits, best first (ties: lower id first). */
    public int[] top(int count) {
        Candidates c = Candidates.of(logits, Math.max(1, Math.min(count, logits.length)), 1f, 1f);
        int[] ids = new int[c.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = c.id(i);
        }
        return ids;
    }

    private static double[] softmax(float[] logits, float temperature) {
        double max = max(logits);
        double[] p = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            p[i] = Math.exp((logits[i] - max) / temperature);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        return p;
    }

    private static float max(float[] logits) {
        float max = Float.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        return max;
    }
}
