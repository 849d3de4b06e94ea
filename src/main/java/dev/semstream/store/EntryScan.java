package dev.semstream.store;

import dev.semstream.kernels.SearchKernels;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@link ExactSearch} over a stream of entries instead of an index's contents. The entries an index of the
 * config would hold, and that match the filters, are copied a run at a time into a small column and scored
 * by the index's scorer into the index's top-k. Each entry's place in the stream is its ordinal; the
 * entries the top-k still holds are kept for the hits and the rest dropped, so however many entries stream
 * by, memory stays at about k entries and one run.
 */
final class EntryScan {
    private final IndexConfig config;
    private final SearchKernels kernels;
    private final SearchRequest request;
    /** The run being gathered: its rows, and its entries at the same ordinals. */
    private final VectorColumn run;
    private final VectorEntry[] runEntries = new VectorEntry[ExactSearch.RUN];
    private final float[] runScores = new float[ExactSearch.RUN];
    private final QueryScorer scorer;
    private final TopK top;
    /** Entries of earlier runs by their place in the stream: every one the top-k holds, and some it dropped. */
    private final Map<Integer, VectorEntry> kept = new HashMap<>();
    /** The place in the stream of the run's first entry. */
    private int runStart;

    EntryScan(IndexConfig config, SearchKernels kernels, SearchRequest request) {
        config.requireModelOf("the query vector", request.modelId(), request.queryView().length);
        this.config = config;
        this.kernels = kernels;
        this.request = request;
        this.run = new VectorColumn(config.dimension());
        this.scorer = QueryScorer.forRequest(request, kernels, run);
        this.top = new TopK(request.k(), this::idOf);
    }

    List<SearchHit> search(Iterator<VectorEntry> entries) {
        while (entries.hasNext()) {
            VectorEntry e = entries.next();
            if (!config.holds(e.modelId(), e.vector().length)
                    || !MetadataIndex.matches(e.metadata(), request.filters())) {
                continue;
            }
            runEntries[run.size()] = e;
            run.add(e.vector(), QueryScorer.norm(kernels, e.vector()));
            if (run.size() == ExactSearch.RUN) {
                scoreRun();
            }
        }
        if (run.size() > 0) {
            scoreRun();
        }
        return top.drainHits(scorer, (ordinal, score) -> {
            VectorEntry e = kept.get(ordinal);
            return new SearchHit(e.id(), score, config.modelId(), e.metadata(), e.text(),
                    request.includeVectors() ? e.vector().clone() : null);
        });
    }

    private void scoreRun() {
        int count = run.size();
        scorer.scoreRun(0, count, runScores);
        ExactSearch.offerRun(runScores, count, runStart, null, top);
        top.forEachOrdinal(o -> {
            if (o >= runStart) {
                kept.put(o, runEntries[o - runStart]);
            }
        });
        // Dropped entries linger until they outnumber the kept ones; then one pass clears them out.
        if (kept.size() > 2 * request.k()) {
            Set<Integer> held = new HashSet<>();
            top.forEachOrdinal(held::add);
            kept.keySet().retainAll(held);
        }
        runStart += count;
        run.clear();
        Arrays.fill(runEntries, 0, count, null);
    }

    /** The id at a place in the stream, for the top-k's tie-break: one of this run or a kept one. */
    private String idOf(int ordinal) {
        return ordinal >= runStart ? runEntries[ordinal - runStart].id() : kept.get(ordinal).id();
    }
}
