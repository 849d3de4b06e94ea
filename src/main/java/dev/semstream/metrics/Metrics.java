package dev.semstream.metrics;

import dev.semstream.store.QueryableIndexes;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.streams.KafkaStreams;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * One instance's metrics registry, scraped by {@code GET /metrics}: the pipeline's own meters (the
 * groups below), each partition's index, the JVM, and every Kafka Streams metric of the applications
 * bound with {@link #bind}. One per running pipeline, not a global, so two pipelines in one JVM (tests)
 * keep apart.
 */
public final class Metrics implements AutoCloseable {
    /** Prometheus' text exposition format, which {@link #scrape()} writes. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    /**
     * How often the Kafka Streams bridge looks for metrics Kafka added since (per-partition lag appears
     * when a partition is assigned); each look walks Kafka's metric map, so not every scrape.
     */
    private static final Duration KAFKA_METRICS_REFRESH = Duration.ofSeconds(10);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final EmbedderMetrics embedder;
    private final GeneratorMetrics generator;
    private final QueryMetrics queries;
    private final ConsoleFeedMetrics consoleFeed;
    private final MeterHistory history;
    private final List<KafkaStreamsMetrics> bridges = new ArrayList<>();
    private ScheduledExecutorService bridgeRefresh;
    private volatile PartitionGauges partitions;
    private volatile ModelGauges models;

    public Metrics() {
        DeadLetterCounts deadLetters = new DeadLetterCounts(registry);
        this.embedder = new EmbedderMetrics(registry, deadLetters);
        this.generator = new GeneratorMetrics(registry, deadLetters);
        this.queries = new QueryMetrics(registry);
        this.consoleFeed = new ConsoleFeedMetrics(registry);
        this.history = new MeterHistory(embedder, deadLetters, queries);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
    }

    public EmbedderMetrics embedder() {
        return embedder;
    }

    public GeneratorMetrics generator() {
        return generator;
    }

    public QueryMetrics queries() {
        return queries;
    }

    public ConsoleFeedMetrics consoleFeed() {
        return consoleFeed;
    }

    /** The last quarter of an hour of these meters (not sampled until {@link MeterHistory#start()}). */
    public MeterHistory history() {
        return history;
    }

    /**
     * Bridges a Streams application's own metrics (threads, tasks, stores, and its clients': the main
     * consumer's {@code records-lag} per partition among them), tagged {@code application}.
     */
    public synchronized void bind(String application, KafkaStreams streams) {
        if (bridgeRefresh == null) {
            bridgeRefresh = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "semstream-metrics");
                t.setDaemon(true);
                return t;
            });
        }
        KafkaStreamsMetrics bridge = new KafkaStreamsMetrics(streams, Tags.of("application", application),
                bridgeRefresh, KAFKA_METRICS_REFRESH);
        bridge.bindTo(registry);
        bridges.add(bridge);
    }

    /** Reports the index of every partition {@code indexes} holds, read at each scrape. */
    public void watch(QueryableIndexes indexes) {
        partitions = new PartitionGauges(registry, indexes);
    }

    /** Reports the active model and a re-embedding's progress, read at each scrape. */
    public void watchModels(Supplier<ModelReading> reading) {
        models = new ModelGauges(registry, reading);
    }

    /** Every metric now, in {@link #CONTENT_TYPE}. */
    public String scrape() {
        PartitionGauges p = partitions;
        if (p != null) {
            p.refresh();
        }
        ModelGauges m = models;
        if (m != null) {
            m.refresh();
        }
        return registry.scrape();
    }

    @Override
    public synchronized void close() {
        history.close();
        bridges.forEach(KafkaStreamsMetrics::close);
        bridges.clear();
        if (bridgeRefresh != null) {
            bridgeRefresh.shutdownNow();
            bridgeRefresh = null;
        }
        registry.close();
    }
}
