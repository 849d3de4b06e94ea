package dev.semstream.store;

import dev.semstream.kernels.SearchKernels;

/**
 * Scores stored rows against one vector (a query, or a stored node while the graph is built) by one
 * metric. Scores here are "higher is better" throughout, so heaps and the graph need no per-metric
 * logic: cosine similarity and dot product as they are, Euclidean distance as its negated square
 * (monotone in the distance, and no square root per row). {@link #userScore} turns one back into the
 * metric's own scale for the hit.
 *
 * <p>Rows held in another {@link VectorEncoding} than float are scored as their decoded codes (cosine and
 * Euclidean with the decoded row's norm, so the score is the metric's of the decoded vector), and the best
 * of them again at full precision by {@link #scoreFull}, with the same kernels a float row is scored by.
 * Against int8 rows the query is quantised as the rows are ({@link VectorColumn#quantise}) and scored in
 * integers; a stored node being linked is already in codes and is scored as it is, never decoded.
 */
final class QueryScorer {
    private final Metric metric;
    private final SearchKernels kernels;
    private final VectorColumn column;
    private final VectorEncoding encoding;
    /** The query at full precision; null for a node of an int8 column, which is scored by its codes alone. */
    private final float[] query;
    private final int queryOffset;
    private final float queryNorm;
    /** Int8 columns: the query's codes and what one of them is worth; otherwise null and 0. */
    private final byte[] queryCodes;
    private final int queryCodesOffset;
    private final float queryScale;
    private final int dimension;

    private QueryScorer(Metric metric, SearchKernels kernels, VectorColumn column, float[] query, int queryOffset,
                        float queryNorm, byte[] queryCodes, int queryCodesOffset, float queryScale) {
        this.metric = metric;
        this.kernels = kernels;
        this.column = column;
        this.encoding = column.encoding();
        this.query = query;
        this.queryOffset = queryOffset;
        this.queryNorm = queryNorm;
        this.queryCodes = queryCodes;
        this.queryCodesOffset = queryCodesOffset;
        this.queryScale = queryScale;
        this.dimension = column.dimension();
        assert (encoding == VectorEncoding.INT8) == (queryCodes != null)
                : "int8 codes for the query of a " + encoding + " column: " + (queryCodes != null);
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
        if (column.encoding() == VectorEncoding.INT8) {
            byte[] codes = new byte[query.length];
            float scale = VectorColumn.quantise(query, codes, 0);
            return new QueryScorer(request.metric(), kernels, column, query, 0, norm, codes, 0, scale);
        }
        return new QueryScorer(request.metric(), kernels, column, query, 0, norm, null, 0, 0f);
    }

    /**
     * Scores rows against a stored row, for linking it into the graph: the graph is built from the codes the
     * searches will walk it with, and never reads the full-precision rows. An int8 row is its own query codes;
     * a bf16 row is decoded to floats first.
     */
    static QueryScorer forNode(Metric metric, SearchKernels kernels, VectorColumn column, int ordinal) {
        return switch (column.encoding()) {
            case INT8 -> new QueryScorer(metric, kernels, column, null, 0, column.codeNorm(ordinal),
                    column.int8SlabOf(ordinal), column.offsetOf(ordinal), column.scale(ordinal));
            case BF16 -> {
                float[] decoded = new float[column.dimension()];
                column.decode(ordinal, decoded);
                yield new QueryScorer(metric, kernels, column, decoded, 0, column.codeNorm(ordinal), null, 0, 0f);
            }
            case FLOAT -> new QueryScorer(metric, kernels, column, column.slabOf(ordinal), column.offsetOf(ordinal),
                    column.norm(ordinal), null, 0, 0f);
        };
    }

    Metric metric() {
        return metric;
    }

    /** The score of one stored row. */
    float score(int ordinal) {
        if (encoding == VectorEncoding.BF16) {
            return ofCodes(kernels.dotBf16(query, queryOffset, column.bf16SlabOf(ordinal), column.offsetOf(ordinal),
                    dimension), ordinal);
        }
        if (encoding == VectorEncoding.INT8) {
            return ofCodes(codeUnit(ordinal) * kernels.dotInt8(queryCodes, queryCodesOffset,
                    column.int8SlabOf(ordinal), column.offsetOf(ordinal), dimension), ordinal);
        }
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
        private short[][] bf16Rows = new short[64][];
        private byte[][] int8Rows = new byte[64][];
        private int[] offsets = new int[64];

        private void ensure(int count) {
            if (rows.length < count) {
                rows = new float[count][];
                bf16Rows = new short[count][];
                int8Rows = new byte[count][];
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
        if (encoding != VectorEncoding.FLOAT) {
            scoreEncodedNodes(nodes, count, out, scratch);
            return;
        }
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
        if (encoding != VectorEncoding.FLOAT) {
            int off = column.offsetOf(firstOrdinal);
            if (encoding == VectorEncoding.BF16) {
                kernels.dotBf16Rows(query, queryOffset, column.bf16SlabOf(firstOrdinal), off, count, dimension, out, 0);
            } else {
                kernels.dotInt8Rows(queryCodes, queryCodesOffset, column.int8SlabOf(firstOrdinal), off, count,
                        dimension, out, 0);
            }
            for (int i = 0; i < count; i++) {
                out[i] = ofCodes(codeUnit(firstOrdinal + i) * out[i], firstOrdinal + i);
            }
            return;
        }
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

    private void scoreEncodedNodes(int[] nodes, int count, float[] out, Gather scratch) {
        int[] offsets = scratch.offsets;
        for (int i = 0; i < count; i++) {
            offsets[i] = column.offsetOf(nodes[i]);
        }
        if (encoding == VectorEncoding.BF16) {
            short[][] rows = scratch.bf16Rows;
            for (int i = 0; i < count; i++) {
                rows[i] = column.bf16SlabOf(nodes[i]);
            }
            kernels.dotBf16Gathered(query, queryOffset, rows, offsets, count, dimension, out);
        } else {
            byte[][] rows = scratch.int8Rows;
            for (int i = 0; i < count; i++) {
                rows[i] = column.int8SlabOf(nodes[i]);
            }
            kernels.dotInt8Gathered(queryCodes, queryCodesOffset, rows, offsets, count, dimension, out);
        }
        for (int i = 0; i < count; i++) {
            out[i] = ofCodes(codeUnit(nodes[i]) * out[i], nodes[i]);
        }
    }

    /**
     * What one unit of a raw encoded dot product with row {@code ordinal} is worth: the product of the query's
     * and the row's int8 scales, 1 for bf16 (its codes are their values).
     */
    private float codeUnit(int ordinal) {
        return encoding == VectorEncoding.INT8 ? queryScale * column.scale(ordinal) : 1f;
    }

    /**
     * The score of an encoded row from the query's dot product with its decoded codes: Euclidean by
     * {@code |q - r|^2 = |q|^2 - 2 q.r + |r|^2}, with the decoded row's norm.
     */
    private float ofCodes(float dot, int ordinal) {
        return switch (metric) {
            case DOT -> dot;
            case COSINE -> cosine(dot, column.codeNorm(ordinal));
            case EUCLIDEAN -> {
                float rowNorm = column.codeNorm(ordinal);
                yield -(queryNorm * queryNorm - 2 * dot + rowNorm * rowNorm);
            }
        };
    }

    /**
     * The score of stored row {@code ordinal} at full precision, from {@code row[0..dimension)} (the row as it was
     * added): by the same kernels and norms as a float row's {@link #score}, so a rescored hit scores as it would
     * in a float index.
     */
    float scoreFull(int ordinal, float[] row) {
        assert query != null : "a node's scorer has no full-precision query to rescore with";
        return switch (metric) {
            case DOT -> kernels.dot(query, queryOffset, row, 0, dimension);
            case COSINE -> cosine(kernels.dot(query, queryOffset, row, 0, dimension), column.norm(ordinal));
            case EUCLIDEAN -> -kernels.squaredDistance(query, queryOffset, row, 0, dimension);
        };
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
