package dev.semstream.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** {@code semstream_query_seconds{kind}}: the HTTP API's latency by kind of request, failed ones included. */
public final class QueryMetrics {
    /** What a request asked for. */
    public enum Kind {
        /** {@code POST /search}, approximate (the graph where a partition has one), fresh stores only. */
        SEARCH,
        /** {@code POST /search} with {@code exact: true}. */
        EXACT,
        /** {@code POST /search} with {@code stale: true}: standbys and restoring stores may answer. */
        STALE,
        /** {@code GET /embeddings/{id}}. */
        EMBEDDING,
        /** {@code POST /texts} and {@code DELETE /texts/{id}}: until the broker acknowledged. */
        INGEST
    }

    private final Map<Kind, Timer> byKind = new EnumMap<>(Kind.class);

    QueryMetrics(MeterRegistry registry) {
        for (Kind kind : Kind.values()) {
            byKind.put(kind, Meters.latency(registry, "semstream.query", "HTTP API request latency by kind",
                    "kind", kind.name().toLowerCase(Locale.ROOT)));
        }
    }


    /** Every kind's latency timer, for {@link MeterHistory}. */
    java.util.Collection<Timer> timers() {
        return byKind.values();
    }

    /** @param startNanos {@code System.nanoTime()} when the request began */
    public void answered(Kind kind, long startNanos) {
        byKind.get(kind).record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    }
}
