package dev.semstream.model.sampling;

import java.util.random.RandomGenerator;

/**
 * Top-k, then top-p within those k (the order Hugging Face applies them): the k most likely tokens,
 * renormalised, cut to the nucleus of mass p, drawn from.
 */
public final class TopKTopPSampler implements Sampler {
    private final int k;
    private final float p;
    private final float temperature;
    private final RandomGenerator random;

    public TopKTopPSampler(int k, float p, float temperature, RandomGenerator random) {
        if (k < 1 || !(p > 0 && p <= 1) || !(temperature > 0)) {
            throw new IllegalArgumentException("top-k/top-p needs k >= 1, p in (0, 1] and temperature > 0, got "
                    + k + ", " + p + ", " + temperature);
        }
        this.k = k;
        this.p = p;
        this.temperature = temperature;
        this.random = random;
    }

    @Override
    public int sample(float[] logits) {
        return Candidates.of(logits, k, p, temperature).draw(random);
    }
}
