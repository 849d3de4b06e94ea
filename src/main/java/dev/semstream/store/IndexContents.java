package dev.semstream.store;

import dev.semstream.kernels.SearchKernels;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * Everything one index holds: the vectors by ordinal, each ordinal's id, metadata and text, which
 * ordinals are live, the metadata postings and the HNSW graph, kept in step.
 *
 * <p>An ordinal is never reused: a changed vector gets a new ordinal and its old one is retired (not
 * live, out of the postings, still a graph node for routing). Retired ordinals are reclaimed only by
 * building a new {@code IndexContents} from the live entries ({@link VectorIndex} compacts that way).
 *
 * <p>Not thread-safe: {@link VectorIndex} calls the mutators under its write lock and the rest under
 * its read lock.
 */
final class IndexContents {
    /** What an ordinal carries besides its vector. A retired ordinal keeps only its id. */
    record StoredFields(String id, Map<String, String> metadata, String text) {
    }

    private final IndexConfig config;
    private final SearchKernels kernels;
    private final VectorColumn column;
    private final HnswGraph graph;
    /** Null when the index keeps no graph ({@link IndexConfig#graph()} false). */
    private final HnswBuilder builder;
    private final List<StoredFields> fields = new ArrayList<>();
    private final Map<String, Integer> ordinals = new HashMap<>();
    private final BitSet live = new BitSet();
    private final MetadataIndex metadata = new MetadataIndex();

    IndexContents(IndexConfig config, SearchKernels kernels) {
        this.config = config;
        this.kernels = kernels;
        this.column = new VectorColumn(config.dimension(), config.vectorEncoding());
        this.graph = new HnswGraph(config.m());
        this.builder = config.graph() ? new HnswBuilder(graph, column, kernels, config) : null;
    }

    IndexConfig config() {
        return config;
    }

    SearchKernels kernels() {
        return kernels;
    }

    VectorColumn column() {
        return column;
    }

    HnswGraph graph() {
        return graph;
    }

    MetadataIndex metadata() {
        return metadata;
    }

    BitSet live() {
        return live;
    }

    /** Live vectors: the index's size. */
    int liveCount() {
        return ordinals.size();
    }

    /** Ordinals stored, retired ones included. */
    int storedCount() {
        return column.size();
    }

    int retiredCount() {
        return column.size() - ordinals.size();
    }

    StoredFields fieldsOf(int ordinal) {
        return fields.get(ordinal);
    }

    String idOf(int ordinal) {
        return fields.get(ordinal).id();
    }

    /** Adds or replaces an entry the caller has checked against the index's model and dimension. */
    void upsert(VectorEntry entry) {
        add(entry);
        linkNew();
    }

    /**
     * {@link #upsert} without linking a new vector into the graph yet: a rebuild adds every entry first and
     * then links them all at once, on every core, with {@link #linkNew}. Until then the graph lags the rows.
     */
    void add(VectorEntry entry) {
        Integer existing = ordinals.get(entry.id());
        StoredFields stored = new StoredFields(entry.id(), entry.metadata(), entry.text());
        if (existing != null && sameVector(existing, entry.vector())) {
            // Only metadata or text changed (or nothing: a redelivered record): the graph stays as it is.
            metadata.remove(existing, fields.get(existing).metadata());
            fields.set(existing, stored);
            metadata.add(existing, entry.metadata());
            return;
        }
        if (existing != null) {
            retire(existing);
        }
        int ordinal = column.add(entry.vector(), QueryScorer.norm(kernels, entry.vector()));
        fields.add(stored);
        assert fields.size() == column.size() : fields.size() + " fields for " + column.size() + " rows";
        ordinals.put(entry.id(), ordinal);
        live.set(ordinal);
        metadata.add(ordinal, entry.metadata());
    }

    /** Links every row added since the last call into the graph (in parallel when there are many). */
    void linkNew() {
        if (builder != null && graph.size() < column.size()) {
            builder.insertAll(graph.size(), column.size());
            assert graph.size() == column.size() : graph.size() + " graph nodes for " + column.size() + " rows";
        }
    }

    /** How many threads the last {@link #linkNew} linked on; 0 without a graph. */
    int linkThreads() {
        return builder == null ? 0 : builder.lastThreads();
    }

    /** Removes an id; false if it was not there. */
    boolean delete(String id) {
        Integer ordinal = ordinals.remove(id);
        if (ordinal == null) {
            return false;
        }
        retire(ordinal);
        return true;
    }

    /** The live entry of an id (a copy of its vector), or null. */
    VectorEntry get(String id) {
        Integer ordinal = ordinals.get(id);
        return ordinal == null ? null : entryOf(ordinal);
    }

    /** The live entries, in ordinal order; for compaction. The contents must not change meanwhile. */
    Iterator<VectorEntry> liveEntries() {
        return new Iterator<>() {
            private int next = live.nextSetBit(0);

            @Override
            public boolean hasNext() {
                return next >= 0;
            }

            @Override
            public VectorEntry next() {
                if (next < 0) {
                    throw new NoSuchElementException();
                }
                VectorEntry e = entryOf(next);
                next = live.nextSetBit(next + 1);
                return e;
            }
        };
    }

    private VectorEntry entryOf(int ordinal) {
        StoredFields f = fields.get(ordinal);
        return new VectorEntry(f.id(), column.copyOf(ordinal), config.modelId(), f.metadata(), f.text());
    }

    private void retire(int ordinal) {
        assert live.get(ordinal) : "ordinal " + ordinal + " retired twice";
        StoredFields f = fields.get(ordinal);
        live.clear(ordinal);
        metadata.remove(ordinal, f.metadata());
        ordinals.remove(f.id(), ordinal);
        fields.set(ordinal, new StoredFields(f.id(), Map.of(), null));
    }

    private boolean sameVector(int ordinal, float[] vector) {
        float[] stored = column.copyOf(ordinal);
        for (int i = 0; i < vector.length; i++) {
            if (Float.floatToIntBits(stored[i]) != Float.floatToIntBits(vector[i])) {
                return false;
            }
        }
        return true;
    }
}
