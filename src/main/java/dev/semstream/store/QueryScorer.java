package dev.semstream.store;

import dev.semstream.kernels.SearchKernels;

/**
 * Scores stored rows against one vector (a query, or a stored node while the graph is built) by one
 * metric. Scores here are "higher is better" throughout, so heaps and the graph need no per-metric
 * logic: cosine similarity and dot product as they are, Euclidean distance as its negated square
 * (monotone in the distance, and no square root per row). {@link #userScore} turns one back into the
 * metric's own scale for the hit.
 */
final class QueryScorer {
    private final Metric metric;
    private final SearchKernels kernels;
    private final VectorColumn column;
    private final float[] query;
    private final int queryOffset;
    private final float queryNorm;
    private final int dimension;

    private QueryScorer(Metric metric, SearchKernels kernels, VectorColumn column, float[] query, int queryOffset,
                        float queryNorm) {
        this.metric = metric;
        this.kernels = kernels;
        this.column = column;
        this.query = query;
        this.queryOffset = queryOffset;
        this.queryNorm = queryNorm;
        this.dimension = column.dimension();
    }

    /**
     * Scores rows against a request's query vector, which must be of the column's dimension.
     *
     * @throws InvalidRequestException if the request is by cosine and its query is the zero vector
     */
    static QueryScorer forRequest(SearchRequest request, SearchKernels kernels, VectorColumn column) {
        float[] query = request.queryView();
        assert query.length == column.dimension() : "query of " + query.length + " for a column of "
                + column.dimension();
        float norm = norm(kernels, query);
        if (request.metric() == Metric.COSINE && norm == 0f) {
            throw new InvalidRequestException("cosine similarity to the zero vector is undefined");
        }
        return new QueryScorer(request.metric(), kernels, column, query, 0, norm);
    }

    /** Scores rows against a stored row, for linking it into the graph. */
    static QueryScorer forNode(Metric metric, SearchKernels kernels, VectorColumn column, int ordinal) {
        return new QueryScorer(metric, kernels, column, column.slabOf(ordinal), column.offsetOf(ordinal),
                column.norm(ordinal));
    }

    Metric metric() {
        return metric;
    }

    /** The score of one stored row. */
    float score(int ordinal) {
        float[] slab = column.slabOf(ordinal);
        int off = column.offsetOf(ordinal);
        return switch (metric) {
            case DOT -> kernels.dot(query, queryOffset, slab, off, dimension);
            case COSINE -> cosine(kernels.dot(query, queryOffset, slab, off, dimension), column.norm(ordinal));
            case EUCLIDEAN -> -kernels.squaredDistance(query, queryOffset, slab, off, dimension);
        };
    }

    /**
     * Where {@link #scoreNodes} gathers the rows' arrays and offsets. Scorers are made per query and per
     * linked node, so the scratch lives with the searcher or builder that uses them, one per thread, and is
     * reused from call to call.
     */
    static final class Gather {
        private float[][] rows = new float[64][];
        private int[] offsets = new int[64];

        private void ensure(int count) {
            if (rows.length < count) {
                rows = new float[count][];
                offsets = new int[count];
            }
        }
    }

    /**
     * Scores the rows {@code nodes[0..count)}, wherever they lie, into {@code out[0..count)}: the same scores
     * as {@link #score} one by one, computed four rows a pass, with the rows gathered into {@code scratch}.
     */
    void scoreNodes(int[] nodes, int count, float[] out, Gather scratch) {
        scratch.ensure(count);
        float[][] rows = scratch.rows;
        int[] offsets = scratch.offsets;
        for (int i = 0; i < count; i++) {
            rows[i] = column.slabOf(nodes[i]);
            offsets[i] = column.offsetOf(nodes[i]);
        }
        switch (metric) {
            case DOT -> kernels.dotGathered(query, queryOffset, rows, offsets, count, dimension, out);
            case COSINE -> {
                kernels.dotGathered(query, queryOffset, rows, offsets, count, dimension, out);
                for (int i = 0; i < count; i++) {
                    out[i] = cosine(out[i], column.norm(nodes[i]));
                }
            }
            case EUCLIDEAN -> {
                kernels.squaredDistanceGathered(query, queryOffset, rows, offsets, count, dimension, out);
                for (int i = 0; i < count; i++) {
                    out[i] = -out[i];
                }
            }
        }
    }

    /**
     * Scores {@code count} consecutive rows from {@code firstOrdinal}, which must all lie in one slab, into
     * {@code out[0..count)}.
     */
    void scoreRun(int firstOrdinal, int count, float[] out) {
        assert (firstOrdinal >>> VectorColumn.SLAB_SHIFT) == ((firstOrdinal + count - 1) >>> VectorColumn.SLAB_SHIFT)
                : "run " + firstOrdinal + "+" + count + " crosses a slab";
        float[] slab = column.slabOf(firstOrdinal);
        int off = column.offsetOf(firstOrdinal);
        switch (metric) {
            case DOT -> kernels.dotRows(query, queryOffset, slab, off, count, dimension, out, 0);
            case COSINE -> {
                kernels.dotRows(query, queryOffset, slab, off, count, dimension, out, 0);
                for (int i = 0; i < count; i++) {
                    out[i] = cosine(out[i], column.norm(firstOrdinal + i));
                }
            }
            case EUCLIDEAN -> {
                kernels.squaredDistanceRows(query, queryOffset, slab, off, count, dimension, out, 0);
                for (int i = 0; i < count; i++) {
                    out[i] = -out[i];
                }
            }
        }
    }

    /** A score on the metric's own scale: Euclidean distance back from its negated square. */
    float userScore(float score) {
        return metric == Metric.EUCLIDEAN ? (float) Math.sqrt(Math.max(0f, -score)) : score;
    }

    /** A vector's L2 norm as the index stores it beside each row, and as queries take it. */
    static float norm(SearchKernels kernels, float[] vector) {
        return (float) Math.sqrt(kernels.sumOfSquares(vector, 0, vector.length));
    }

    /** Cosine of a zero vector is undefined; it scores 0, as if orthogonal to everything. */
    private float cosine(float dot, float rowNorm) {
        float denominator = queryNorm * rowNorm;
        return denominator == 0f ? 0f : dot / denominator;
    }
}
