package dev.semstream.model.sampling;

import java.util.random.RandomGenerator;

/**
 * Nucleus sampling: a draw from the smallest set of most likely tokens whose probability under
 * softmax(logits / temperature) adds up to at least p, renormalised. Cuts the long tail of unlikely tokens
 * by mass rather than by count.
 */
public final class TopPSampler implements Sampler {
    private final float p;
    private final float temperature;
    private final RandomGenerator random;

    public TopPSampler(float p, float temperature, RandomGenerator random) {
        if (!(p > 0 && p <= 1) || !(temperature > 0)) {
            throw new IllegalArgumentException("top-p needs p in (0, 1] and temperature > 0, got " + p + ", " + temperature);
        }
        this.p = p;
        this.temperature = temperature;
        this.random = random;
    }

    @Override
    public int sample(float[] logits) {
        return Candidates.of(logits, 0, p, temperature).draw(random);
    }
}
