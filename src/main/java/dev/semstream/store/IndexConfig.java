package dev.semstream.store;

/**
 * What one {@link VectorIndex} holds and how its HNSW graph is built.
 *
 * @param modelId                  the model whose vectors this index holds; all others are refused
 * @param dimension                their dimension
 * @param m                        HNSW: links per node on the upper levels (level 0 keeps 2m); more links
 *                                 give better recall for more memory and build time
 * @param efConstruction           HNSW: the beam width while inserting
 * @param efSearch                 HNSW: the default beam width of a query
 * @param graphMetric              the metric the graph's links are chosen by. Queries of another metric
 *                                 walk the same graph; for normalised vectors all metrics rank alike
 * @param compactDeletedFraction   rebuild once deleted (or replaced) vectors are this fraction of the stored ones
 * @param compactMinDeleted        ... and at least this many, so a small index is not rebuilt on every delete
 * @param exactFilterFraction      a filtered approximate query whose filter matches fewer than this fraction of
 *                                 the live vectors is answered by an exact scan of the matches instead
 * @param seed                     seeds the random levels of new nodes, so builds are reproducible
 * @param graph                    false: no HNSW graph is built and every search is exact; saves the graph's
 *                                 build time and memory where scans are fast enough (small indexes)
 * @param vectorEncoding           how the rows are held for searching (see {@link VectorEncoding}); the index can
 *                                 change encoding only by being rebuilt from full-precision vectors
 * @param rescoreFactor            with an encoding other than float: a search for k hits takes the best
 *                                 {@code k * rescoreFactor} candidates by their codes (the graph: at most its
 *                                 beam) and rescores them at full precision
 */
public record IndexConfig(String modelId, int dimension, int m, int efConstruction, int efSearch, Metric graphMetric,
                          double compactDeletedFraction, int compactMinDeleted, double exactFilterFraction,
                          long seed, boolean graph, VectorEncoding vectorEncoding,
                          int rescoreFactor) {

    public static final int DEFAULT_M = 16;
    public static final int DEFAULT_EF_CONSTRUCTION = 100;
    public static final int DEFAULT_EF_SEARCH = 64;
    public static final int DEFAULT_RESCORE_FACTOR = 4;

    public IndexConfig {
        if (modelId == null || modelId.isEmpty()) {
            throw new IllegalArgumentException("an index needs a model id");
        }
        if (dimension < 1) {
            throw new IllegalArgumentException("dimension must be positive, was " + dimension);
        }
        if (m < 2 || m > 512) {
            throw new IllegalArgumentException("m must be between 2 and 512, was " + m);
        }
        if (efConstruction < 1 || efSearch < 1) {
            throw new IllegalArgumentException("efConstruction and efSearch must be positive");
        }
        if (graphMetric == null) {
            throw new IllegalArgumentException("graphMetric is missing");
        }
        if (!(compactDeletedFraction > 0 && compactDeletedFraction <= 1) || compactMinDeleted < 0) {
            throw new IllegalArgumentException("compactDeletedFraction must be in (0, 1] and compactMinDeleted >= 0");
        }
        if (!(exactFilterFraction >= 0 && exactFilterFraction <= 1)) {
            throw new IllegalArgumentException("exactFilterFraction must be in [0, 1]");
        }
        if (vectorEncoding == null) {
            throw new IllegalArgumentException("vectorEncoding is missing");
        }
        if (rescoreFactor < 1) {
            throw new IllegalArgumentException("rescoreFactor must be positive, was " + rescoreFactor);
        }
    }

    /**
     * Whether an index holding {@code retired} retired vectors among {@code stored} is due a rebuild from its
     * live ones: at least {@link #compactMinDeleted()} retired, and at least {@link #compactDeletedFraction()}
     * of the stored.
     */
    public boolean compactionDue(int retired, int stored) {
        return retired >= compactMinDeleted && retired >= compactDeletedFraction * stored;
    }

    /**
     * Refuses a vector this index cannot hold or compare with its own: one of another model
     * ({@link ModelMismatchException}) or of another dimension ({@link InvalidRequestException}).
     *
     * @param what the vector as the message names it, e.g. "the query vector"
     */
    void requireModelOf(String what, String vectorModelId, int vectorDimension) {
        if (!modelId.equals(vectorModelId)) {
            throw new ModelMismatchException(what, modelId, dimension, vectorModelId, vectorDimension);
        }
        if (vectorDimension != dimension) {
            throw new InvalidRequestException(what + " has " + vectorDimension + " dimensions, but model " + modelId
                    + " makes vectors of " + dimension);
        }
    }

    /**
     * How many candidates a search for k hits takes by the rows' codes before rescoring: k itself for float
     * rows, which need no rescoring.
     */
    int candidates(int k) {
        return vectorEncoding == VectorEncoding.FLOAT ? k : (int) Math.min(Integer.MAX_VALUE, (long) k * rescoreFactor);
    }

    /** Whether an index of this config holds vectors of this model and dimension (all others it refuses). */
    boolean holds(String vectorModelId, int vectorDimension) {
        return modelId.equals(vectorModelId) && vectorDimension == dimension;
    }

    /**
     * Defaults for one model: M 16, efConstruction 100, efSearch 64, cosine graph, compaction at 25% deleted,
     * float rows (rescoring factor 4 once encoded).
     */
    public static IndexConfig of(String modelId, int dimension) {
        return new IndexConfig(modelId, dimension, DEFAULT_M, DEFAULT_EF_CONSTRUCTION, DEFAULT_EF_SEARCH,
                Metric.COSINE, 0.25, 1000, 0.02, 42L, true, VectorEncoding.FLOAT,
                DEFAULT_RESCORE_FACTOR);
    }

    public IndexConfig withHnsw(int m, int efConstruction, int efSearch) {
        return new IndexConfig(modelId, dimension, m, efConstruction, efSearch, graphMetric, compactDeletedFraction,
                compactMinDeleted, exactFilterFraction, seed, graph, vectorEncoding,
                rescoreFactor);
    }

    public IndexConfig withCompaction(double deletedFraction, int minDeleted) {
        return new IndexConfig(modelId, dimension, m, efConstruction, efSearch, graphMetric, deletedFraction,
                minDeleted, exactFilterFraction, seed, graph, vectorEncoding,
                rescoreFactor);
    }

    public IndexConfig withExactFilterFraction(double fraction) {
        return new IndexConfig(modelId, dimension, m, efConstruction, efSearch, graphMetric, compactDeletedFraction,
                compactMinDeleted, fraction, seed, graph, vectorEncoding,
                rescoreFactor);
    }

    /** Without an HNSW graph: every search is an exact scan. */
    public IndexConfig withoutGraph() {
        return new IndexConfig(modelId, dimension, m, efConstruction, efSearch, graphMetric, compactDeletedFraction,
                compactMinDeleted, exactFilterFraction, seed, false, vectorEncoding,
                rescoreFactor);
    }

    /** Rows held in another encoding (rescored at full precision: see {@link #rescoreFactor()}). */
    public IndexConfig withVectorEncoding(VectorEncoding encoding) {
        return new IndexConfig(modelId, dimension, m, efConstruction, efSearch, graphMetric, compactDeletedFraction,
                compactMinDeleted, exactFilterFraction, seed, graph, encoding, rescoreFactor);
    }

    public IndexConfig withRescoreFactor(int factor) {
        return new IndexConfig(modelId, dimension, m, efConstruction, efSearch, graphMetric, compactDeletedFraction,
                compactMinDeleted, exactFilterFraction, seed, graph, vectorEncoding, factor);
    }
}
