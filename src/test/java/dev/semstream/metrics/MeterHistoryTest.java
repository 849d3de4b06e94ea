package dev.semstream.metrics;

import dev.semstream.metrics.QueryMetrics.Kind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The status view's history, driven by an explicit clock rather than waiting 5 s per sample. */
class MeterHistoryTest {
    private enum Reason { BROKEN }

    private final Metrics metrics = new Metrics();
    private final MeterHistory history = metrics.history();

    @AfterEach
    void close() {
        metrics.close();
    }

    @Test
    void eachIntervalIsTheMetersRatesAndTheQueriesLatencyQuantiles() {
        history.sample(1_000);
        assertEquals(0, history.history().t().length, "the first reading only starts the first interval");
        for (int i = 0; i < 50; i++) {
            metrics.embedder().embedded(0);
        }
        metrics.embedder().deadLetters().count(Reason.BROKEN);
        metrics.embedder().deadLetters().count(Reason.BROKEN);
        for (int i = 0; i < 99; i++) {
            metrics.queries().answered(Kind.SEARCH, System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(3));
        }
        metrics.queries().answered(Kind.INGEST, System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(700));
        history.sample(6_000);

        MeterHistory.History h = history.history();
        assertEquals(5, h.intervalSeconds());
        assertArrayEquals(new long[]{6_000}, h.t());
        assertEquals(10, h.embeddedPerSecond()[0], 1e-9, "50 texts in 5 s");
        assertEquals(0.4, h.deadLettersPerSecond()[0], 1e-9);
        assertEquals(20, h.queriesPerSecond()[0], 1e-9, "100 requests of every kind in 5 s");
        // 3 ms falls in the (1 ms, 5 ms] bucket: the median is interpolated inside it, the 99th at its top.
        assertTrue(h.queryP50Ms()[0] > 1 && h.queryP50Ms()[0] <= 5, "p50 " + h.queryP50Ms()[0]);
        assertEquals(5, h.queryP99Ms()[0], 1e-9);

        // The next interval: only slow requests, so the quantiles are of this interval alone.
        for (int i = 0; i < 10; i++) {
            metrics.queries().answered(Kind.EMBEDDING, System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(700));
        }
        history.sample(11_000);
        h = history.history();
        assertArrayEquals(new long[]{6_000, 11_000}, h.t());
        assertEquals(0, h.embeddedPerSecond()[1]);
        assertEquals(2, h.queriesPerSecond()[1], 1e-9);
        assertTrue(h.queryP50Ms()[1] > 500 && h.queryP50Ms()[1] <= 1000, "p50 " + h.queryP50Ms()[1]);

        history.sample(16_000);
        assertTrue(Double.isNaN(history.history().queryP50Ms()[2]), "no request, no latency");
    }

    @Test
    void theRingKeepsTheLastQuarterOfAnHour() {
        for (int i = 0; i <= MeterHistory.SAMPLES + 20; i++) {
            history.sample(i * 5_000L);
        }
        MeterHistory.History h = history.history();
        assertEquals(180, MeterHistory.SAMPLES);
        assertEquals(MeterHistory.SAMPLES, h.t().length);
        assertEquals(21 * 5_000L, h.t()[0], "the oldest 20 intervals dropped out");
        assertEquals((MeterHistory.SAMPLES + 20) * 5_000L, h.t()[h.t().length - 1]);
    }
}
