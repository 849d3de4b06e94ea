package dev.semstream.topology;

import dev.semstream.avro.Embedding;
import dev.semstream.model.Encoder;
import dev.semstream.store.IndexConfig;
import dev.semstream.store.PartitionIndexes;
import dev.semstream.store.VectorEntry;
import dev.semstream.store.VectorIndex;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;

/**
 * One task's search index over its partition's vector store, the store being the truth: built from the
 * store when the task opens (after a restore, or on the instance that took the partition over), then
 * kept in step with every upsert and delete, and registered for queries while the task is open.
 *
 * <p>Linking vectors into an HNSW graph costs about a millisecond each, too long to do for a large
 * partition while the task opens (the stream thread would miss its poll interval). A large partition
 * opens at once with an exact-only index (correct answers, by scan), while a background thread builds
 * the graph from the same snapshot. The writer keeps a note of every id it changes meanwhile; once the
 * graph is built, the stream thread replays those ids from the store into it and swaps it in. Only the
 * stream thread ever changes the index that queries see.
 */
final class PartitionIndex {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionIndex.class);
    private static final ExecutorService GRAPH_BUILDS = IdleExitingThread.named("semstream-graph-build");

    private final int partition;
    private final PartitionIndexes registry;
    private final KeyValueStore<String, Embedding> store;
    private final IndexConfig config;
    private VectorIndex live;
    /** The graph being built in the background, or null. */
    private CompletableFuture<VectorIndex> graph;
    /** Ids written since the graph's snapshot; null when no graph is being built. */
    private Set<String> changedSinceSnapshot;

    private PartitionIndex(int partition, PartitionIndexes registry, KeyValueStore<String, Embedding> store,
                           IndexConfig config) {
        this.partition = partition;
        this.registry = registry;
        this.store = store;
        this.config = config;
    }

    /** Builds the partition's index from its store and registers it. */
    static PartitionIndex open(int partition, PartitionIndexes registry, KeyValueStore<String, Embedding> store,
                               Encoder encoder, int inlineGraphBuildMax) {
        PartitionIndex index = new PartitionIndex(partition, registry, store,
                IndexConfig.of(encoder.modelId(), encoder.dimensions()));
        List<VectorEntry> entries = entries(store, encoder.modelId());
        if (entries.size() <= inlineGraphBuildMax) {
            index.live = new VectorIndex(index.config);
        } else {
            index.live = new VectorIndex(index.config.withoutGraph());
            index.changedSinceSnapshot = new HashSet<>();
            index.graph = CompletableFuture.supplyAsync(() -> {
                VectorIndex built = new VectorIndex(index.config);
                built.rebuild(entries.iterator());
                return built;
            }, GRAPH_BUILDS);
        }
        index.live.rebuild(entries.iterator());
        registry.register(partition, index.live);
        return index;
    }

    /** The index queries see now. */
    VectorIndex live() {
        return live;
    }

    /** Whether a graph is still being built in the background (queries are answered exactly meanwhile). */
    boolean buildingGraph() {
        return graph != null;
    }

    void upsert(VectorEntry entry) {
        live.upsert(entry);
        noteChange(entry.id());
    }

    void delete(String id) {
        live.delete(id);
        noteChange(id);
    }

    private void noteChange(String id) {
        if (changedSinceSnapshot != null) {
            changedSinceSnapshot.add(id);
        }
    }

    /** On the stream thread: swaps in the background graph once it is built, after replaying later writes. */
    void swapInGraphIfBuilt() {
        if (graph == null || !graph.isDone()) {
            return;
        }
        VectorIndex built;
        try {
            built = graph.join();
        } catch (RuntimeException failed) {
            LOG.warn("building the HNSW graph of partition {} failed; it stays answered by exact search", partition, failed);
            graph = null;
            changedSinceSnapshot = null;
            return;
        }
        for (String id : changedSinceSnapshot) {
            Embedding now = store.get(id);
            if (now == null || !now.getModelId().equals(config.modelId())) {
                built.delete(id);
            } else {
                built.upsert(VectorStoreIndex.entry(now));
            }
        }
        registry.register(partition, built);
        live = built;
        graph = null;
        changedSinceSnapshot = null;
    }

    /** The task closes: its index leaves the registry, and a graph still building is dropped. */
    void close() {
        registry.unregister(partition, live);
        if (graph != null) {
            graph.cancel(false);
            graph = null;
        }
    }

    /**
     * Every vector of the model in the store. Vectors another model made (the store outlived a model
     * change) cannot be compared with this model's queries: they are left out, with a warning, and stay in
     * the store until their texts are embedded again.
     */
    private static List<VectorEntry> entries(KeyValueStore<String, Embedding> store, String modelId) {
        List<VectorEntry> entries = new ArrayList<>();
        int otherModel = 0;
        try (KeyValueIterator<String, Embedding> it = store.all()) {
            while (it.hasNext()) {
                Embedding e = it.next().value;
                if (e.getModelId().equals(modelId)) {
                    entries.add(VectorStoreIndex.entry(e));
                } else {
                    otherModel++;
                }
            }
        }
        if (otherModel > 0) {
            LOG.warn("{} stored vectors were made by another model than {}; they are not searchable until re-embedded",
                    otherModel, modelId);
        }
        return entries;
    }
}
