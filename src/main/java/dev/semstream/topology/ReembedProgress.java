package dev.semstream.topology;

import dev.semstream.topology.ControlState.BuildProgress;

import java.time.Duration;
import java.util.Optional;

/**
 * A re-embedding's progress over the whole cluster, as every store partition's task last reported it on
 * the control topic: texts re-embedded of total, and how many partitions have caught up.
 *
 * @param model      the model being built, or null when the owners have not reported yet
 * @param partitions partitions the switch waits for
 */
public record ReembedProgress(String model, String location, long done, long total, int caughtUp, int partitions) {
    public static ReembedProgress of(ControlState state) {
        if (state.build() == null) {
            return new ReembedProgress(null, null, 0, 0, 0, 0);
        }
        long done = 0;
        long total = 0;
        int caughtUp = 0;
        String model = null;
        for (BuildProgress p : state.currentProgress().values()) {
            done += p.done();
            total += p.total();
            caughtUp += p.caughtUp() ? 1 : 0;
            model = p.model();
        }
        return new ReembedProgress(model, state.build().location(), done, total, caughtUp, state.build().partitions());
    }

    public long percentDone() {
        return total == 0 ? (caughtUp == partitions && partitions > 0 ? 100 : 0) : Math.min(100, done * 100 / total);
    }

    /** Texts per second between an earlier reading and this one, if it moved. */
    public Optional<Double> rate(ReembedProgress earlier, Duration between) {
        if (between.isZero() || between.isNegative() || done < earlier.done) {
            return Optional.empty();
        }
        return Optional.of((done - earlier.done) * 1e9 / between.toNanos());
    }

    /** How long the rest takes at a rate. */
    public Optional<Duration> eta(double perSecond) {
        if (perSecond <= 0) {
            return Optional.empty();
        }
        return Optional.of(Duration.ofSeconds((long) Math.ceil(Math.max(0, total - done) / perSecond)));
    }

    /** The progress line the CLI prints: {@code 1,234 of 5,000 texts re-embedded (24%), 3 of 6 partitions caught up}. */
    public String describe() {
        return String.format("%,d of %,d texts re-embedded into %s (%d%%), %d of %d partitions caught up", done, total,
                model == null ? location : model, percentDone(), caughtUp, partitions);
    }
}
