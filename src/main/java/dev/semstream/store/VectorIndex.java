package dev.semstream.store;

import dev.semstream.kernels.SearchKernels;

import java.util.BitSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Nearest-neighbour search over the vectors of one model: exact (a SIMD scan of every vector) or
 * approximate (an HNSW graph), by cosine similarity, Euclidean distance or dot product, with metadata
 * filters applied inside the search.
 *
 * <h2>Threads</h2>
 * Built for one writer (say, the stream thread that owns a partition) and any number of concurrent
 * readers (say, HTTP threads):
 * <ul>
 *   <li>Readers ({@link #search}, {@link #get}, {@link #size}, {@link #stats}) hold the read lock, so they
 *       run in parallel with each other and always see a whole write: a search never returns a deleted id
 *       or a replaced vector.</li>
 *   <li>Each write ({@link #upsert}, {@link #delete}) holds the write lock while it changes the contents,
 *       including linking a new vector into the graph (under a millisecond); readers wait that long.</li>
 *   <li>{@link #rebuild}, {@link #clear} and compaction build new contents on the side, with readers still
 *       answering from the old ones, and swap them in under the write lock. They link the graph on every
 *       core ({@link dev.semstream.kernels.Parallel}); a single upsert links its one vector on the writer's
 *       thread.</li>
 *   <li>Writers are serialised by a separate writer lock, so a second writer thread waits rather than
 *       corrupting anything; but one writer is the design.</li>
 * </ul>
 *
 * <h2>Deletes and compaction</h2>
 * A deleted or replaced vector is retired: out of every result at once, but kept as a graph node so the
 * graph stays navigable. Once retired vectors reach {@link IndexConfig#compactDeletedFraction()} of the
 * stored ones, the writer rebuilds the contents from the live entries (on its own thread, inside the
 * write call that crossed the line).
 */
public final class VectorIndex {
    private final IndexConfig config;
    private final SearchKernels kernels;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final ReentrantLock writer = new ReentrantLock();
    /** Guarded by {@link #lock}; replaced whole by rebuilds. */
    private IndexContents contents;
    /** Written by the writer only; volatile so {@link #stats} may read it under the read lock. */
    private volatile long compactions;

    /** An empty index with the fastest kernels this JVM has. */
    public VectorIndex(IndexConfig config) {
        this(config, SearchKernels.best());
    }

    /** An empty index scoring with the given kernels ({@link SearchKernels#scalar()} to compare against SIMD). */
    public VectorIndex(IndexConfig config, SearchKernels kernels) {
        this.config = config;
        this.kernels = kernels;
        this.contents = new IndexContents(config, kernels);
    }

    public IndexConfig config() {
        return config;
    }

    /**
     * Adds the entry, or replaces the entry of the same id. The index keeps its own copy of the vector.
     *
     * @throws ModelMismatchException  if the entry is of another model than the index's
     * @throws InvalidRequestException if its dimension is wrong
     */
    public void upsert(VectorEntry entry) {
        config.requireModelOf("vector of id " + entry.id(), entry.modelId(), entry.vector().length);
        writer.lock();
        try {
            lock.writeLock().lock();
            try {
                contents.upsert(entry);
            } finally {
                lock.writeLock().unlock();
            }
            compactIfWorthIt();
        } finally {
            writer.unlock();
        }
    }

    /** {@link #upsert(VectorEntry)} of the entry these make; metadata and text may be null. */
    public void upsert(String id, float[] vector, String modelId, Map<String, String> metadata, String text) {
        upsert(new VectorEntry(id, vector, modelId, metadata, text));
    }

    /** Removes an id; false if the index did not have it. */
    public boolean delete(String id) {
        if (id == null) {
            throw new InvalidRequestException("delete needs an id");
        }
        writer.lock();
        try {
            boolean deleted;
            lock.writeLock().lock();
            try {
                deleted = contents.delete(id);
            } finally {
                lock.writeLock().unlock();
            }
            compactIfWorthIt();
            return deleted;
        } finally {
            writer.unlock();
        }
    }

    /** The live entry of an id, with a copy of its vector. */
    public Optional<VectorEntry> get(String id) {
        lock.readLock().lock();
        try {
            return Optional.ofNullable(contents.get(id));
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Live vectors. */
    public int size() {
        lock.readLock().lock();
        try {
            return contents.liveCount();
        } finally {
            lock.readLock().unlock();
        }
    }

    public IndexStats stats() {
        lock.readLock().lock();
        try {
            return new IndexStats(contents.liveCount(), contents.retiredCount(), contents.graph().topLevel() + 1,
                    compactions);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** What each stored vector costs on the heap and off it, by the index's encoding (see {@link VectorMemory}). */
    public VectorMemory memory() {
        lock.readLock().lock();
        try {
            return VectorMemory.of(contents.column(), contents.graph(), config.m());
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Offers every live vector to the sample, under the read lock (a write waits for the pass); nothing if
     * the sample is of another model or dimension than this index holds.
     */
    public void sample(VectorSample sample) {
        if (config.holds(sample.modelId(), sample.dimension())) {
            float[] row = new float[config.dimension()];
            forEachLive((c, o) -> {
                c.column().readFull(o, row, 0);
                sample.offer(c.idOf(o), row, 0);
            });
        }
    }

    /**
     * Places every live vector on the plane, with its text and the value of the metadata key
     * {@code colorKey} (null: none), under the read lock; nothing if the plane is of another model or
     * dimension than this index holds.
     */
    public void project(PlaneProjection plane, String colorKey, MapPoints points) {
        if (config.holds(plane.modelId(), plane.dimensions())) {
            float[] row = new float[config.dimension()];
            forEachLive((c, o) -> {
                c.column().readFull(o, row, 0);
                float[] xy = plane.project(row, 0);
                IndexContents.StoredFields f = c.fieldsOf(o);
                points.add(f.id(), xy[0], xy[1], f.text(), colorKey == null ? null : f.metadata().get(colorKey));
            });
        }
    }

    private interface LiveRow {
        void accept(IndexContents contents, int ordinal);
    }

    /** Every live ordinal, in order, under the read lock. */
    private void forEachLive(LiveRow row) {
        lock.readLock().lock();
        try {
            IndexContents c = contents;
            for (int o = c.live().nextSetBit(0); o >= 0; o = c.live().nextSetBit(o + 1)) {
                row.accept(c, o);
            }
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Empties the index. */
    public void clear() {
        replaceWith(List.<VectorEntry>of().iterator());
    }

    /**
     * Replaces everything with the given entries (a later entry of the same id wins), for instance from the
     * store a Kafka Streams task restored. Readers keep seeing the old contents until the new ones are
     * complete. If an entry is refused (another model, wrong dimension) the index is left as it was.
     */
    public void rebuild(Iterator<VectorEntry> entries) {
        replaceWith(entries);
    }

    /**
     * The hits best first (highest similarity, or smallest distance), ties by id. Fewer than k only when
     * fewer than k live vectors match the filters.
     *
     * @throws ModelMismatchException  if the query vector is of another model than the index's
     * @throws InvalidRequestException if its dimension is wrong, or a cosine query is the zero vector
     */
    public List<SearchHit> search(SearchRequest request) {
        config.requireModelOf("the query vector", request.modelId(), request.queryView().length);
        lock.readLock().lock();
        try {
            return searchLocked(contents, request);
        } finally {
            lock.readLock().unlock();
        }
    }

    private List<SearchHit> searchLocked(IndexContents c, SearchRequest request) {
        QueryScorer scorer = QueryScorer.forRequest(request, kernels, c.column());
        int k = request.k();
        int candidates = config.candidates(k);
        BitSet accept;
        int acceptCount;
        if (!request.filters().isEmpty()) {
            accept = c.metadata().matching(request.filters());
            acceptCount = accept.cardinality();
        } else if (c.retiredCount() > 0) {
            accept = c.live();
            acceptCount = c.liveCount();
        } else {
            accept = null;
            acceptCount = c.storedCount();
        }
        if (acceptCount == 0) {
            return List.of();
        }
        TopK top = null;
        boolean filtered = !request.filters().isEmpty();
        boolean selective = filtered && acceptCount < config.exactFilterFraction() * c.liveCount();
        if (!request.exact() && !selective && config.graph()) {
            int ef = request.efSearch() > 0 ? request.efSearch() : config.efSearch();
            // An exact scan of the matches scores acceptCount rows; a beam that scores more is the worse plan.
            int visitLimit = filtered ? Math.max(acceptCount, ef) : Integer.MAX_VALUE;
            top = GraphSearch.search(c, scorer, k, candidates, ef, accept, acceptCount, visitLimit);
        }
        if (top == null) {
            top = ExactSearch.search(c, scorer, candidates, accept, acceptCount);
        }
        if (config.vectorEncoding() != VectorEncoding.FLOAT) {
            top = Rescoring.best(c, scorer, top, k);
        }
        return hits(c, scorer, top, request.includeVectors());
    }

    private static List<SearchHit> hits(IndexContents c, QueryScorer scorer, TopK top, boolean includeVectors) {
        return top.drainHits(scorer, (o, score) -> {
            assert c.live().get(o) : "retired ordinal " + o + " in the results";
            IndexContents.StoredFields f = c.fieldsOf(o);
            return new SearchHit(f.id(), score, c.config().modelId(), f.metadata(), f.text(),
                    includeVectors ? c.column().copyOf(o) : null);
        });
    }

    /** Called by the writer after each write: drops retired vectors once they are a large enough share. */
    private void compactIfWorthIt() {
        // Only the writer changes contents, and it holds the writer lock: reading them here needs no lock.
        IndexContents c = contents;
        if (config.compactionDue(c.retiredCount(), c.storedCount())) {
            replaceWith(c.liveEntries());
            compactions++;
        }
    }

    /** Builds new contents from entries while readers use the old ones, then swaps them in. */
    private void replaceWith(Iterator<VectorEntry> entries) {
        writer.lock();
        try {
            IndexContents fresh = new IndexContents(config, kernels);
            while (entries.hasNext()) {
                VectorEntry e = entries.next();
                config.requireModelOf("vector of id " + e.id(), e.modelId(), e.vector().length);
                fresh.add(e);
            }
            fresh.linkNew();
            lock.writeLock().lock();
            try {
                contents = fresh;
            } finally {
                lock.writeLock().unlock();
            }
        } finally {
            writer.unlock();
        }
    }
}
