package dev.semstream.model;

import java.util.List;
import java.util.OptionalLong;

/**
 * How to continue a prompt. Invalid values are a {@link GenerationRequestException} at construction.
 *
 * @param maxTokens     new tokens at most (>= 1); fewer if the context window fills first
 * @param temperature   >= 0; 0 is greedy (always the most likely token), 1 the model's own distribution
 * @param topK          sample only among the k most likely tokens; 0 means no limit
 * @param topP          sample only within the nucleus of this probability mass, in (0, 1]; 1 means no limit
 * @param seed          makes the draws, and so the completion, reproducible; empty for a fresh random seed
 * @param stopSequences the completion ends before the first of these that appears; none may be empty
 */
public record GenerationParams(int maxTokens, float temperature, int topK, float topP, OptionalLong seed,
                               List<String> stopSequences) {

    public GenerationParams {
        if (maxTokens < 1) {
            throw new GenerationRequestException("maxTokens must be at least 1, got " + maxTokens);
        }
        if (!(temperature >= 0) || Float.isInfinite(temperature)) {
            throw new GenerationRequestException("temperature must be a finite number >= 0, got " + temperature);
        }
        if (topK < 0) {
            throw new GenerationRequestException("topK must be >= 0 (0: no limit), got " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new GenerationRequestException("topP must be in (0, 1] (1: no limit), got " + topP);
        }
        if (seed == null) {
            throw new GenerationRequestException("seed must be OptionalLong.empty(), not null");
        }
        if (stopSequences == null) {
            throw new GenerationRequestException("stopSequences must be a list, not null");
        }
        for (String s : stopSequences) {
            if (s == null || s.isEmpty()) {
                throw new GenerationRequestException("a stop sequence must be a non-empty string, got "
                        + (s == null ? "null" : "\"\""));
            }
        }
        stopSequences = List.copyOf(stopSequences);
    }

    /** 64 new tokens, temperature 0.8 among the 200 most likely (nanoGPT's sampling defaults), no seed, no stops. */
    public static GenerationParams defaults() {
        return new GenerationParams(64, 0.8f, 200, 1f, OptionalLong.empty(), List.of());
    }

    public GenerationParams withMaxTokens(int v) {
        return new GenerationParams(v, temperature, topK, topP, seed, stopSequences);
    }

    public GenerationParams withTemperature(float v) {
        return new GenerationParams(maxTokens, v, topK, topP, seed, stopSequences);
    }

    public GenerationParams withTopK(int v) {
        return new GenerationParams(maxTokens, temperature, v, topP, seed, stopSequences);
    }

    public GenerationParams withTopP(float v) {
        return new GenerationParams(maxTokens, temperature, topK, v, seed, stopSequences);
    }

    public GenerationParams withSeed(long v) {
        return new GenerationParams(maxTokens, temperature, topK, topP, OptionalLong.of(v), stopSequences);
    }

    public GenerationParams withStopSequences(List<String> v) {
        return new GenerationParams(maxTokens, temperature, topK, topP, seed, v);
    }
}
