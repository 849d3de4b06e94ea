package dev.semstream.store;

/**
 * The last step of a search over encoded rows: the candidates the codes ranked best are scored again at
 * full precision, and the best k of those are the answer. Reads one full-precision row per candidate (k
 * times {@link IndexConfig#rescoreFactor()} at most), which is all a query touches of the off-heap rows.
 */
final class Rescoring {
    private Rescoring() {
    }

    /** The best k of {@code candidates} by their full-precision scores. */
    static TopK best(IndexContents contents, QueryScorer scorer, TopK candidates, int k) {
        TopK top = new TopK(k, contents::idOf);
        float[] row = new float[contents.column().dimension()];
        candidates.forEachOrdinal(o -> {
            contents.column().readFull(o, row, 0);
            top.offer(o, scorer.scoreFull(o, row));
        });
        return top;
    }
}
