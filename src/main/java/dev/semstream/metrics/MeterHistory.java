package dev.semstream.metrics;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;

import java.util.Collection;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The last quarter of an hour of this instance's pipeline, for the console's status view: every
 * {@link #INTERVAL_SECONDS} s, the per-second rates of texts embedded, dead letters and API requests over
 * the interval, and the requests' median and 99th-percentile latency. Read from the meters the pipeline
 * already records into (the counters' deltas, and the deltas of the query latency histograms' buckets),
 * never counted a second time; kept in a ring of {@link #SAMPLES}.
 */
public final class MeterHistory implements AutoCloseable {
    public static final int INTERVAL_SECONDS = 5;
    /** 15 minutes. */
    public static final int SAMPLES = 15 * 60 / INTERVAL_SECONDS;

    /**
     * The ring's contents, oldest first; a latency is NaN for an interval without requests.
     *
     * @param t when each interval ended, epoch milliseconds
     */
    public record History(int intervalSeconds, long[] t, double[] embeddedPerSecond, double[] deadLettersPerSecond,
                          double[] queriesPerSecond, double[] queryP50Ms, double[] queryP99Ms) {
    }

    /** The meters' cumulative readings at one moment. */
    private record Reading(long atMillis, double embedded, double deadLetters, long queries, double[] boundsMs,
                           long[] atOrBelow) {
    }

    private final EmbedderMetrics embedder;
    private final DeadLetterCounts deadLetters;
    private final QueryMetrics queries;
    private final long[] t = new long[SAMPLES];
    private final double[] embedded = new double[SAMPLES];
    private final double[] dead = new double[SAMPLES];
    private final double[] asked = new double[SAMPLES];
    private final double[] p50 = new double[SAMPLES];
    private final double[] p99 = new double[SAMPLES];
    private int next;
    private int count;
    private Reading last;
    private ScheduledExecutorService timer;

    MeterHistory(EmbedderMetrics embedder, DeadLetterCounts deadLetters, QueryMetrics queries) {
        this.embedder = embedder;
        this.deadLetters = deadLetters;
        this.queries = queries;
    }

    /** Samples every {@link #INTERVAL_SECONDS} s from now on, on a daemon thread; again is a no-op. */
    public synchronized void start() {
        if (timer != null) {
            return;
        }
        sample(System.currentTimeMillis());
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "semstream-meter-history");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleAtFixedRate(() -> sample(System.currentTimeMillis()), INTERVAL_SECONDS, INTERVAL_SECONDS,
                TimeUnit.SECONDS);
    }

    /**
     * Reads the meters now: the interval since the previous reading becomes one sample (the first reading
     * only sets the start). Public so a test drives the clock instead of waiting.
     */
    public synchronized void sample(long nowMillis) {
        Reading now = read(nowMillis);
        Reading before = last;
        last = now;
        if (before == null || now.atMillis() <= before.atMillis()) {
            return;
        }
        double seconds = (now.atMillis() - before.atMillis()) / 1000.0;
        t[next] = now.atMillis();
        embedded[next] = Math.max(0, now.embedded() - before.embedded()) / seconds;
        dead[next] = Math.max(0, now.deadLetters() - before.deadLetters()) / seconds;
        long n = now.queries() - before.queries();
        asked[next] = Math.max(0, n) / seconds;
        p50[next] = quantile(before, now, 0.50);
        p99[next] = quantile(before, now, 0.99);
        next = (next + 1) % SAMPLES;
        count = Math.min(SAMPLES, count + 1);
    }

    public synchronized History history() {
        int start = (next - count + SAMPLES) % SAMPLES;
        long[] times = new long[count];
        double[][] series = new double[5][count];
        double[][] ring = {embedded, dead, asked, p50, p99};
        for (int i = 0; i < count; i++) {
            int at = (start + i) % SAMPLES;
            times[i] = t[at];
            for (int s = 0; s < ring.length; s++) {
                series[s][i] = ring[s][at];
            }
        }
        return new History(INTERVAL_SECONDS, times, series[0], series[1], series[2], series[3], series[4]);
    }

    private Reading read(long nowMillis) {
        Collection<Timer> timers = queries.timers();
        double[] bounds = null;
        long[] atOrBelow = null;
        long total = 0;
        for (Timer timer : timers) {
            var snapshot = timer.takeSnapshot();
            CountAtBucket[] buckets = snapshot.histogramCounts();
            if (bounds == null) {
                bounds = new double[buckets.length];
                atOrBelow = new long[buckets.length];
                for (int i = 0; i < buckets.length; i++) {
                    bounds[i] = buckets[i].bucket(TimeUnit.MILLISECONDS);
                }
            }
            for (int i = 0; i < buckets.length; i++) {
                atOrBelow[i] += (long) buckets[i].count();
            }
            total += snapshot.count();
        }
        return new Reading(nowMillis, embedder.textsEmbedded(), deadLetters.total(), total,
                bounds == null ? new double[0] : bounds, atOrBelow == null ? new long[0] : atOrBelow);
    }

    /**
     * The q-quantile of the requests between two readings, from the histograms' bucket deltas: linear
     * within the bucket it falls in (so no finer than the buckets), the top bound beyond the last bucket.
     */
    private static double quantile(Reading before, Reading now, double q) {
        long n = now.queries() - before.queries();
        if (n <= 0) {
            return Double.NaN;
        }
        double rank = q * n;
        double lower = 0;
        long below = 0;
        for (int i = 0; i < now.boundsMs().length; i++) {
            long upTo = now.atOrBelow()[i] - before.atOrBelow()[i];
            if (upTo >= rank) {
                long inBucket = upTo - below;
                double fraction = inBucket == 0 ? 1 : (rank - below) / inBucket;
                return lower + fraction * (now.boundsMs()[i] - lower);
            }
            below = upTo;
            lower = now.boundsMs()[i];
        }
        return lower;
    }

    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }
}
