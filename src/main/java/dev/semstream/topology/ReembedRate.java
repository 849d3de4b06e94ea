package dev.semstream.topology;

import java.time.Duration;
import java.util.Optional;

/**
 * The rate and ETA of the re-embedding in progress, from successive readings of the control state: texts
 * re-embedded per second since this reader first saw the build's progress. Shared by the CLI, {@code GET
 * /models} and the metrics; thread-safe.
 */
public final class ReembedRate {
    private long requestedAt = -1;
    private ReembedProgress first;
    private long firstNanos;

    /** One reading: the progress, and the rate and ETA once the progress has moved since the first reading. */
    public record Reading(ReembedProgress progress, Optional<Double> perSecond, Optional<Duration> eta) {
    }

    public synchronized Reading observe(ControlState state, long nanos) {
        ReembedProgress p = ReembedProgress.of(state);
        if (state.build() == null || p.model() == null) {
            return new Reading(p, Optional.empty(), Optional.empty());
        }
        if (state.build().requestedAt() != requestedAt) {
            requestedAt = state.build().requestedAt();
            first = p;
            firstNanos = nanos;
        }
        Optional<Double> rate = p.rate(first, Duration.ofNanos(nanos - firstNanos)).filter(r -> r > 0);
        return new Reading(p, rate, rate.flatMap(p::eta));
    }
}
