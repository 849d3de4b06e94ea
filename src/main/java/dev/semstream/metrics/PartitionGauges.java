package dev.semstream.metrics;

import dev.semstream.store.IndexStats;
import dev.semstream.store.QueryableIndexes;
import dev.semstream.store.VectorIndex;
import dev.semstream.store.VectorMemory;
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
 * tagged by model and partition; and what a vector costs, {@code semstream_index_bytes_per_vector} on the heap
 * (codes, norms, graph links) and {@code semstream_index_offheap_bytes_per_vector} (the full-precision rows an
 * encoded index rescores from), tagged by model, partition and encoding. Every model with an index here is
 * reported (the active one, one being built, kept or retiring ones), since each model may have its own
 * encoding. Read at scrape time only, from {@link QueryableIndexes}, so partitions that move to another
 * instance drop out; nothing is recorded on the write path.
 */
final class PartitionGauges {
    private final QueryableIndexes indexes;
    private final List<Gauge> gauges = new ArrayList<>();

    /** One partition's index as a scrape reads it. */
    private record Partition(String model, int id, IndexStats stats, VectorMemory memory) {
        Tags tags(boolean byEncoding) {
            Tags partition = Tags.of("model", model, "partition", String.valueOf(id));
            return byEncoding ? partition.and("encoding", memory.encoding().userName()) : partition;
        }
    }

    private record Gauge(MultiGauge meter, boolean byEncoding, ToDoubleFunction<Partition> value) {
    }

    PartitionGauges(MeterRegistry registry, QueryableIndexes indexes) {
        this.indexes = indexes;
        add(registry, "semstream.index.vectors", "live vectors in the partition's index", false,
                p -> p.stats().size());
        add(registry, "semstream.index.retired", "deleted or replaced vectors kept until the next compaction", false,
                p -> p.stats().retired());
        add(registry, "semstream.index.graph.levels", "levels of the partition's HNSW graph; 0: searched exactly",
                false, p -> p.stats().graphLevels());
        add(registry, "semstream.index.compactions", "rebuilds that dropped retired vectors", false,
                p -> p.stats().compactions());
        add(registry, "semstream.index.bytes.per.vector",
                "heap bytes a stored vector takes in the partition's index: codes, norms, graph links", true,
                p -> p.memory().heapBytesPerVector());
        add(registry, "semstream.index.offheap.bytes.per.vector",
                "memory-mapped bytes a stored vector's full-precision copy takes (encoded indexes rescore from it)",
                true, p -> p.memory().offHeapBytesPerVector());
    }

    private void add(MeterRegistry registry, String name, String description, boolean byEncoding,
                     ToDoubleFunction<Partition> value) {
        gauges.add(new Gauge(MultiGauge.builder(name).description(description).register(registry), byEncoding, value));
    }

    /** Before a scrape: one row per model and partition held now, the rows of those gone removed. */
    void refresh() {
        List<Partition> partitions = new ArrayList<>();
        for (String model : indexes.models()) {
            for (Map.Entry<Integer, VectorIndex> e : indexes.snapshot(model).entrySet()) {
                partitions.add(new Partition(model, e.getKey(), e.getValue().stats(), e.getValue().memory()));
            }
        }
        for (Gauge gauge : gauges) {
            List<MultiGauge.Row<?>> rows = new ArrayList<>(partitions.size());
            for (Partition p : partitions) {
                rows.add(MultiGauge.Row.of(p.tags(gauge.byEncoding()), gauge.value().applyAsDouble(p)));
            }
            gauge.meter().register(rows, true);
        }
    }
}
