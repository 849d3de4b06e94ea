package dev.semstream.model.sampling;

/** The most likely token, always: temperature 0. Ties go to the lower id. */
public final class GreedySampler implements Sampler {
    @Override
    public int sample(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }
}
