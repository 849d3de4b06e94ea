package dev.semstream.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;

/**
 * How this package builds its meters. A histogram has a short fixed list of bucket bounds rather than
 * Micrometer's ~70 percentile buckets, so each is a handful of series to store and scrape.
 */
final class Meters {
    /** From a sub-millisecond stage to a text that waited minutes behind a lag. */
    private static final Duration[] LATENCY_BUCKETS = {
            Duration.ofNanos(100_000), Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofMillis(5),
            Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
            Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
            Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60),
            Duration.ofSeconds(300)};
    /** Powers of two up to the largest batch anyone would configure. */
    private static final double[] COUNT_BUCKETS = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024};

    private Meters() {
    }

    /** A counter ({@code _total} in Prometheus); tags in pairs, name then value. */
    static Counter counter(MeterRegistry registry, String name, String description, String... tags) {
        return Counter.builder(name).description(description).tags(tags).register(registry);
    }

    /** A latency histogram; tags in pairs, name then value. */
    static Timer latency(MeterRegistry registry, String name, String description, String... tags) {
        return Timer.builder(name).description(description).tags(tags).serviceLevelObjectives(LATENCY_BUCKETS)
                .register(registry);
    }

    /** A histogram of counts (texts per batch). */
    static DistributionSummary counts(MeterRegistry registry, String name, String description) {
        return DistributionSummary.builder(name).description(description).serviceLevelObjectives(COUNT_BUCKETS)
                .register(registry);
    }
}
