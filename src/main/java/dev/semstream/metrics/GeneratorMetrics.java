package dev.semstream.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.concurrent.TimeUnit;

/**
 * The generator sidecar's meters: {@code rate(semstream_generator_tokens_total[1m])} is its tokens/s.
 * Recorded once per prompt.
 */
public final class GeneratorMetrics {
    private final Counter tokens;
    private final Timer generation;
    private final DeadLetterCounts deadLetters;

    GeneratorMetrics(MeterRegistry registry, DeadLetterCounts deadLetters) {
        this.tokens = Meters.counter(registry, "semstream.generator.tokens", "tokens generated (completion tokens)");
        this.generation = Meters.latency(registry, "semstream.generator.generation",
                "time to generate one completion, prefill and sampling");
        this.deadLetters = deadLetters;
    }


    public void generated(int completionTokens, double prefillMillis, double generationMillis) {
        tokens.increment(completionTokens);
        generation.record((long) ((prefillMillis + generationMillis) * 1e6), TimeUnit.NANOSECONDS);
    }

    public DeadLetterCounts deadLetters() {
        return deadLetters;
    }
}
