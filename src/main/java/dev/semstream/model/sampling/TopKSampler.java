package dev.semstream.model.sampling;

import java.util.random.RandomGenerator;

/** A draw from softmax(logits / temperature) over only the k most likely tokens. */
public final class TopKSampler implements Sampler {
    private final int k;
    private final float temperature;
    private final RandomGenerator random;

    public TopKSampler(int k, float temperature, RandomGenerator random) {
        if (k < 1 || !(temperature > 0)) {
            throw new IllegalArgumentException("top-k needs k >= 1 and temperature > 0, got " + k + ", " + temperature);
        }
        this.k = k;
        this.temperature = temperature;
        this.random = random;
    }

    @Override
    public int sample(float[] logits) {
        return Candidates.of(logits, k, 1f, temperature).draw(random);
    }
}
