package dev.semstream.store;

import dev.semstream.kernels.Parallel;
import dev.semstream.kernels.SearchKernels;

import java.util.BitSet;
import java.util.Iterator;
import java.util.List;

/**
 * The exact answer: every accepted row scored against the query, the best k kept. Rows are scored a run
 * at a time with the kernels' row scans, straight from the slabs; large indexes are split across the
 * cores, each part with its own top-k, merged at the end.
 *
 * <p>Entries that are in no index (a store that no task indexes, such as a standby replica's) are searched
 * the same way by {@link #search(IndexConfig, Iterator, SearchRequest)}, so both answers are one answer.
 */
public final class ExactSearch {
    /** Rows scored per kernel call: enough to amortise the call, small enough that scores stay in L1. */
    static final int RUN = 256;
    /** Rows per parallel task: a quarter slab, so tasks balance across cores. */
    private static final int TASK_ROWS = VectorColumn.ROWS_PER_SLAB / 4;
    /** Below this many floats (~8 MB) one core finishes before another would have started. */
    private static final long PARALLEL_MIN_FLOATS = 2L << 20;
    /** A filter matching fewer rows than 1/16 of all is walked bit by bit instead of scanned. */
    private static final int SPARSE_DIVISOR = 16;

    private ExactSearch() {
    }

    /**
     * The hits a {@link VectorIndex} of {@code config} holding these entries would answer the request with by
     * exact search: the same checks of the query (its model, its dimension, a cosine query of the zero
     * vector), the same filter rule, the same kernels, scores to the bit and order, ties by id. Entries such
     * an index would refuse (of another model or dimension) are passed over, as an index built from a store
     * that outlived a model change leaves them out. The entries are read once, in any order, and not held:
     * memory stays at the k best and one run of rows.
     *
     * <p>An iterator rather than a collection, so a store's cursor streams through without being copied
     * into memory; whoever opened the cursor closes it. Ids must be unique, as a store's keys are.
     *
     * @throws ModelMismatchException  if the query vector is of another model than {@code config}'s
     * @throws InvalidRequestException if its dimension is wrong, or a cosine query is the zero vector
     */
    public static List<SearchHit> search(IndexConfig config, Iterator<VectorEntry> entries, SearchRequest request) {
        return search(config, SearchKernels.best(), entries, request);
    }

    /** As above, scoring with the given kernels (as a {@link VectorIndex} made with them does). */
    public static List<SearchHit> search(IndexConfig config, SearchKernels kernels, Iterator<VectorEntry> entries,
                                         SearchRequest request) {
        return new EntryScan(config, kernels, request).search(entries);
    }

    /**
     * The best k rows among those in {@code accept} (every stored row when null).
     *
     * @param acceptCount how many rows {@code accept} holds (the stored count when it is null)
     */
    static TopK search(IndexContents contents, QueryScorer scorer, int k, BitSet accept, int acceptCount) {
        int stored = contents.storedCount();
        if (accept != null && acceptCount < stored / SPARSE_DIVISOR) {
            return scoreEach(contents, scorer, k, accept);
        }
        long floats = (long) stored * contents.column().dimension();
        int tasks = (stored + TASK_ROWS - 1) / TASK_ROWS;
        if (floats < PARALLEL_MIN_FLOATS || tasks < 2 || Parallel.threads() < 2) {
            TopK top = new TopK(k, contents::idOf);
            scan(scorer, 0, stored, accept, top);
            return top;
        }
        TopK[] parts = new TopK[tasks];
        Parallel.forEach(tasks, t -> {
            TopK part = new TopK(k, contents::idOf);
            scan(scorer, t * TASK_ROWS, Math.min(stored, (t + 1) * TASK_ROWS), accept, part);
            parts[t] = part;
        });
        TopK top = new TopK(k, contents::idOf);
        for (TopK part : parts) {
            top.addAll(part);
        }
        return top;
    }

    /** Scores ordinals [from, to) a run at a time; a run never crosses a slab. */
    private static void scan(QueryScorer scorer, int from, int to, BitSet accept, TopK top) {
        float[] scores = new float[RUN];
        int ordinal = from;
        while (ordinal < to) {
            int slabEnd = ((ordinal >>> VectorColumn.SLAB_SHIFT) + 1) << VectorColumn.SLAB_SHIFT;
            int count = Math.min(RUN, Math.min(to, slabEnd) - ordinal);
            scorer.scoreRun(ordinal, count, scores);
            offerRun(scores, count, ordinal, accept, top);
            ordinal += count;
        }
    }

    /**
     * Offers a scored run, {@code scores[i]} being the score of ordinal {@code firstOrdinal + i}, to the top-k:
     * those in {@code accept} (all when it is null) that can make the cut.
     */
    static void offerRun(float[] scores, int count, int firstOrdinal, BitSet accept, TopK top) {
        float threshold = top.threshold();
        for (int i = 0; i < count; i++) {
            // >= so that a tie at the threshold still reaches TopK's id tie-break.
            if (scores[i] >= threshold && (accept == null || accept.get(firstOrdinal + i))) {
                top.offer(firstOrdinal + i, scores[i]);
                threshold = top.threshold();
            }
        }
    }

    private static TopK scoreEach(IndexContents contents, QueryScorer scorer, int k, BitSet accept) {
        TopK top = new TopK(k, contents::idOf);
        for (int o = accept.nextSetBit(0); o >= 0; o = accept.nextSetBit(o + 1)) {
            top.offer(o, scorer.score(o));
        }
        return top;
    }
}
