package dev.semstream.topology;

import dev.semstream.avro.Embedding;
import dev.semstream.store.IndexConfig;
import dev.semstream.store.IndexStats;
import dev.semstream.store.QueryableIndexes;
import dev.semstream.store.VectorEntry;
import dev.semstream.store.VectorIndex;
import org.apache.kafka.common.serialization.StringSerializer;
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
 * One task's search index over one model's vectors in its partition's vector store (the keys under
 * {@link VectorKeys#prefix}), the store being the truth: built from the
 * store when the task opens (after a restore, or on the instance that took the partition over), then
 * kept in step with every upsert and delete, and registered in the instance's {@link QueryableIndexes}
 * while the task is open. The {@link VectorIndex} queries see may be replaced by a newer one (a graph
 * built, or rebuilt); this is what follows the store across those replacements.
 *
 * <p>A small partition is searched exactly, with no graph to keep up (see {@link GraphBuildPolicy}). Once
 * it holds enough vectors, at open or as it grows, it gets an HNSW graph. Linking vectors into a graph
 * costs about a millisecond each, too long to do for a large partition on the stream thread (it would
 * miss its poll interval), so a large graph is built by a background thread from a snapshot of the store
 * while the exact index keeps answering. The writer keeps a note of every id it changes meanwhile; once
 * the graph is built, the stream thread replays those ids from the store into it and swaps it in. Only
 * the stream thread ever changes the index that queries see.
 *
 * <p>Replaced and deleted vectors stay in a graph as retired nodes until a quarter of its nodes are
 * retired ({@link IndexConfig#compactDeletedFraction()}); then the graph is rebuilt from the store the same
 * way, in the background when it is large, rather than by {@link VectorIndex}'s own compaction, which
 * would hold the stream thread for as long as a full build takes.
 */
final class StoreBackedIndex {
    private static final Logger LOG = LoggerFactory.getLogger(StoreBackedIndex.class);
    private static final ExecutorService GRAPH_BUILDS = IdleExitingThread.named("semstream-graph-build");

    private final int partition;
    private final QueryableIndexes registry;
    private final KeyValueStore<String, Embedding> store;
    private final IndexConfig config;
    private final GraphBuildPolicy policy;
    private VectorIndex live;
    /** The graph being built in the background, or null. */
    private CompletableFuture<VectorIndex> graph;
    /** Ids written since the graph's snapshot; null when no graph is being built. */
    private Set<String> changedSinceSnapshot;
    /** A background build failed: the partition stays exact rather than retry on every write. */
    private boolean graphFailed;

    private StoreBackedIndex(int partition, QueryableIndexes registry, KeyValueStore<String, Embedding> store,
                           IndexConfig config, GraphBuildPolicy policy) {
        this.partition = partition;
        this.registry = registry;
        this.store = store;
        this.config = config;
        this.policy = policy;
    }

    /** Builds the partition's index of {@code config}'s model from its store and registers it. */
    static StoreBackedIndex open(int partition, QueryableIndexes registry, KeyValueStore<String, Embedding> store,
                               IndexConfig config, GraphBuildPolicy policy) {
        StoreBackedIndex index = new StoreBackedIndex(partition, registry, store, config, policy);
        List<VectorEntry> entries = entries(store, config.modelId());
        boolean graphNow = policy.wantsGraph(entries.size()) && policy.buildsInline(entries.size());
        if (graphNow) {
            index.live = index.graphOver(entries);
        } else {
            index.live = new VectorIndex(config.withoutGraph());
            index.live.rebuild(entries.iterator());
        }
        registry.register(config.modelId(), partition, index.live);
        if (!graphNow && policy.wantsGraph(entries.size())) {
            index.buildGraphInBackground(entries);
        }
        return index;
    }

    /** The index queries see now. */
    VectorIndex live() {
        return live;
    }

    /** Whether queries are answered through an HNSW graph now. */
    boolean hasGraph() {
        return live.config().graph();
    }

    /** Whether a graph is being built in the background (the current index answers meanwhile). */
    boolean buildingGraph() {
        return graph != null;
    }

    /** After the store took the entry: the index follows (see {@link #maybeBuildGraph}). */
    void upsert(VectorEntry entry) {
        live.upsert(entry);
        noteChange(entry.id());
        maybeBuildGraph();
    }

    /** After the store dropped the id. */
    void delete(String id) {
        live.delete(id);
        noteChange(id);
        maybeBuildGraph();
    }

    /**
     * After each write: a partition without a graph that has grown to the policy's size gets one, and a
     * graph with too many retired nodes is rebuilt from the live ones. Either is built from the store, on
     * this thread when small, else in the background.
     */
    private void maybeBuildGraph() {
        if (graph != null || graphFailed) {
            return;
        }
        if (hasGraph() ? !tooManyRetired() : !policy.wantsGraph(live.size())) {
            return;
        }
        List<VectorEntry> entries = entries(store, config.modelId());
        if (policy.buildsInline(entries.size())) {
            swapIn(graphOver(entries));
        } else {
            buildGraphInBackground(entries);
        }
    }

    /** By the thresholds the index would compact itself at, had {@link #graphOver} not turned that off. */
    private boolean tooManyRetired() {
        IndexStats stats = live.stats();
        return config.compactionDue(stats.retired(), stats.size() + stats.retired());
    }

    /**
     * An index with a graph over the entries, which never compacts itself: its retired nodes are dropped by
     * a rebuild that {@link #maybeBuildGraph} starts, so a large graph is never rebuilt on the stream thread.
     */
    private VectorIndex graphOver(List<VectorEntry> entries) {
        VectorIndex built = new VectorIndex(config.withCompaction(1.0, Integer.MAX_VALUE));
        built.rebuild(entries.iterator());
        return built;
    }

    private void noteChange(String id) {
        if (changedSinceSnapshot != null) {
            changedSinceSnapshot.add(id);
        }
    }

    private void buildGraphInBackground(List<VectorEntry> snapshot) {
        LOG.info("partition {}: building the HNSW graph over {} vectors in the background; the current index answers "
                + "meanwhile", partition, snapshot.size());
        changedSinceSnapshot = new HashSet<>();
        graph = CompletableFuture.supplyAsync(() -> graphOver(snapshot), GRAPH_BUILDS);
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
            LOG.warn("building the HNSW graph of partition {} failed; the current index keeps answering", partition, failed);
            graph = null;
            changedSinceSnapshot = null;
            graphFailed = true;
            return;
        }
        for (String id : changedSinceSnapshot) {
            Embedding now = store.get(VectorKeys.key(config.modelId(), id));
            if (now == null) {
                built.delete(id);
            } else {
                built.upsert(EmbeddingRecords.entry(now));
            }
        }
        graph = null;
        changedSinceSnapshot = null;
        swapIn(built);
    }

    private void swapIn(VectorIndex built) {
        registry.register(config.modelId(), partition, built);
        live = built;
    }

    /** The task closes: its index leaves the registry, and a graph still building is dropped. */
    void close() {
        registry.unregister(config.modelId(), partition, live);
        if (graph != null) {
            graph.cancel(false);
            graph = null;
        }
    }

    /** Every vector of the model in the store. */
    private static List<VectorEntry> entries(KeyValueStore<String, Embedding> store, String modelId) {
        List<VectorEntry> entries = new ArrayList<>();
        try (KeyValueIterator<String, Embedding> it = store.prefixScan(VectorKeys.prefix(modelId),
                new StringSerializer())) {
            while (it.hasNext()) {
                entries.add(EmbeddingRecords.entry(it.next().value));
            }
        }
        return entries;
    }
}
