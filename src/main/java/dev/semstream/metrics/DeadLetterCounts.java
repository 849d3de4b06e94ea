package dev.semstream.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * {@code semstream_dead_letters_total{reason}}: records written to the dead-letter topic, by the reason
 * their {@code semstream.error} header gives. The embedder and the generator count into the same counters.
 */
public final class DeadLetterCounts {
    static final String NAME = "semstream.dead.letters";

    private final Map<String, Counter> byReason = new ConcurrentHashMap<>();
    /** Made once: a lambda capturing the registry, written inline, would be a new object per dead letter. */
    private final Function<String, Counter> newCounter;

    DeadLetterCounts(MeterRegistry registry) {
        this.newCounter = reason -> Meters.counter(registry, NAME, "records written to the dead-letter topic, by reason",
                "reason", reason);
    }

    /**
     * Registers a counter at 0 for each reason, so a reason that has not happened yet is a 0 to Prometheus
     * (rate and increase work from the first dead letter on) rather than a missing series.
     */
    public void expect(Enum<?>[] reasons) {
        for (Enum<?> reason : reasons) {
            byReason.computeIfAbsent(reason.name(), newCounter);
        }
    }

    /** Dead letters counted so far, every reason. */
    public double total() {
        double sum = 0;
        for (Counter c : byReason.values()) {
            sum += c.count();
        }
        return sum;
    }

    /** One dead letter: a map look-up and an add. */
    public void count(Enum<?> reason) {
        byReason.computeIfAbsent(reason.name(), newCounter).increment();
    }
}
