package dev.semstream.topology;

import java.util.Objects;

/**
 * The generator sidecar's topics and limits.
 *
 * @param maxPromptBytes prompts longer than this (UTF-8) are refused before tokenizing
 * @param maxContextK    most stored texts one prompt may ask for as retrieval context
 */
public record GeneratorConfig(String promptsTopic, String completionsTopic, String deadLetterTopic, int maxPromptBytes,
                              int maxContextK) {
    public GeneratorConfig {
        Objects.requireNonNull(promptsTopic, "promptsTopic");
        Objects.requireNonNull(completionsTopic, "completionsTopic");
        Objects.requireNonNull(deadLetterTopic, "deadLetterTopic");
        if (maxPromptBytes < 1 || maxContextK < 0) {
            throw new IllegalArgumentException("maxPromptBytes must be positive and maxContextK >= 0");
        }
    }

    public static GeneratorConfig defaults() {
        return new GeneratorConfig("semstream.prompts", "semstream.completions", "semstream.dlq", 64 * 1024, 20);
    }

    public GeneratorConfig withTopics(String prompts, String completions, String deadLetters) {
        return new GeneratorConfig(prompts, completions, deadLetters, maxPromptBytes, maxContextK);
    }
}
