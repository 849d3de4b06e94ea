package dev.semstream.model.sampling;

import java.util.random.RandomGenerator;

/**
 * A draw from the whole distribution softmax(logits / temperature): below 1 sharper than the model's,
 * above 1 flatter. Two passes over the logits, no sorting.
 */
public final class TemperatureSampler implements Sampler {
    private final float temperature;
    private final RandomGenerator random;

    public TemperatureSampler(float temperature, RandomGenerator random) {
        if (!(temperature > 0)) {
            throw new IllegalArgumentException("temperature must be > 0, got " + temperature);
        }
        this.temperature = temperature;
        this.random = random;
    }

    @Override
    public int sample(float[] logits) {
        float max = Float.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        // Unnormalised weights in place; the draw scales the uniform by their sum instead of dividing each.
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            float w = weight(logits[i], max, temperature);
            logits[i] = w;
            sum += w;
        }
        double u = random.nextDouble() * sum;
        double cumulative = 0;
        int last = 0;
        for (int i = 0; i < logits.length; i++) {
            if (logits[i] > 0) {
                cumulative += logits[i];
                last = i;
                if (u < cumulative) {
                    return i;
                }
            }
        }
        return last; // rounding left u just above the sum
    }

    /**
     * A token's unnormalised weight as this sampler draws with it: exp((logit - max) / temperature) in float, so
     * a token far enough below the maximum weighs 0 and is never drawn.
     */
    static float weight(float logit, float max, float temperature) {
        return (float) Math.exp((logit - max) / temperature);
    }
}
