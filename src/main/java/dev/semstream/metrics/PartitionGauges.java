package dev.semstream.metrics;

import dev.semstream.store.IndexStats;
import dev.semstream.store.QueryableIndexes;
import dev.semstream.store.VectorIndex;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The search index of each partition this instance answers for: {@code semstream_index_vectors},
 * {@code _retired}, {@code _graph_levels} (0: searched exactly, no graph yet) and {@code _compactions},
 * tagged by partition. Read at scrape time only, from {@link QueryableIndexes}, so partitions that move to
 * another instance drop out; nothing is recorded on the write path.
 */
final class PartitionGauges {
    private final QueryableIndexes indexes;
    private final List<Gauge> gauges = new ArrayList<>();

    private record Gauge(MultiGauge meter, ToDoubleFunction<IndexStats> value) {
    }

    PartitionGauges(MeterRegistry registry, QueryableIndexes indexes) {
        this.indexes = indexes;
        add(registry, "semstream.index.vectors", "live vectors in the partition's index", IndexStats::size);
        add(registry, "semstream.index.retired", "deleted or replaced vectors kept until the next compaction",
                IndexStats::retired);
        add(registry, "semstream.index.graph.levels", "levels of the partition's HNSW graph; 0: searched exactly",
                IndexStats::graphLevels);
        add(registry, "semstream.index.compactions", "rebuilds that dropped retired vectors", IndexStats::compactions);
    }

    private void add(MeterRegistry registry, String name, String description, ToDoubleFunction<IndexStats> value) {
        gauges.add(new Gauge(MultiGauge.builder(name).description(description).register(registry), value));
    }

    /** Before a scrape: one row per partition held now, the rows of partitions gone removed. */
    void refresh() {
        List<IndexStats> stats = new ArrayList<>();
        List<Tags> partitions = new ArrayList<>();
        for (Map.Entry<Integer, VectorIndex> e : indexes.snapshot().entrySet()) {
            stats.add(e.getValue().stats());
            partitions.add(Tags.of("partition", String.valueOf(e.getKey())));
        }
        for (Gauge gauge : gauges) {
            List<MultiGauge.Row<?>> rows = new ArrayList<>(stats.size());
            for (int i = 0; i < stats.size(); i++) {
                rows.add(MultiGauge.Row.of(partitions.get(i), gauge.value().applyAsDouble(stats.get(i))));
            }
            gauge.meter().register(rows, true);
        }
    }
}
