package dev.semstream.model.sampling;

import java.util.random.RandomGenerator;

/**
 * Picks the next token from the model's logits: the last step of every generation step. Implementations
 * hold their random source, so one sampler serves one completion and a seeded source makes it reproducible.
 */
public interface Sampler {
    /** The chosen token id. May overwrite {@code logits}. */
    int sample(float[] logits);

    /**
     * The sampler for these settings: temperature 0 is greedy (argmax); otherwise softmax(logits / temperature),
     * restricted to the {@code topK} most likely tokens when topK > 0, then to the nucleus of mass {@code topP}
     * when topP < 1, and drawn from with {@code random}.
     */
    static Sampler of(float temperature, int topK, float topP, RandomGenerator random) {
        requireValid(temperature, topK, topP);
        if (temperature == 0) {
            return new GreedySampler();
        }
        boolean k = topK > 0;
        boolean p = topP < 1;
        if (k && p) {
            return new TopKTopPSampler(topK, topP, temperature, random);
        }
        if (k) {
            return new TopKSampler(topK, temperature, random);
        }
        if (p) {
            return new TopPSampler(topP, temperature, random);
        }
        return new TemperatureSampler(temperature, random);
    }

    /** Throws unless temperature >= 0, topK >= 0 and topP in (0, 1]: the settings {@link #of} accepts. */
    static void requireValid(float temperature, int topK, float topP) {
        if (!(temperature >= 0) || topK < 0 || !(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("temperature " + temperature + " must be >= 0, topK " + topK
                    + " >= 0 and topP " + topP + " in (0, 1]");
        }
    }
}
