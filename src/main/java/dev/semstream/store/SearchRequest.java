package dev.semstream.store;

import java.util.Map;

/**
 * A nearest-neighbour question.
 *
 * @param query          the query vector, of the index's model and dimension
 * @param modelId        the model that made the query vector; must be the index's
 * @param k              how many hits, 1 to {@link #MAX_K}
 * @param metric         how to score
 * @param exact          true: scan every vector (exact answer); false: search the HNSW graph (approximate)
 * @param efSearch       the HNSW beam width; 0 for the index's default. Ignored by exact search. A beam
 *                       narrower than k is widened to k.
 * @param filters        key=value pairs a hit's metadata must all have (AND); empty for none
 * @param includeVectors whether hits carry a copy of their stored vector
 */
public record SearchRequest(float[] query, String modelId, int k, Metric metric, boolean exact, int efSearch,
                            Map<String, String> filters, boolean includeVectors) {

    /** The most hits one query may ask for. */
    public static final int MAX_K = 1000;
    /** The widest beam one query may ask for: beyond it, exact search is the better tool. */
    public static final int MAX_EF_SEARCH = 10_000;

    public SearchRequest {
        if (query == null || query.length == 0) {
            throw new InvalidRequestException("the query vector is missing");
        }
        if (modelId == null || modelId.isEmpty()) {
            throw new InvalidRequestException("the query needs the model id of its vector");
        }
        if (k < 1 || k > MAX_K) {
            throw new InvalidRequestException("k must be between 1 and " + MAX_K + ", was " + k);
        }
        if (metric == null) {
            throw new InvalidRequestException("the query needs a metric");
        }
        if (efSearch < 0 || efSearch > MAX_EF_SEARCH) {
            throw new InvalidRequestException("efSearch must be between 1 and " + MAX_EF_SEARCH
                    + " (or 0 for the default), was " + efSearch);
        }
        Vectors.requireFinite(query, "the query vector");
        filters = filters == null ? Map.of() : Map.copyOf(filters);
        query = query.clone();
    }

    /** An approximate (HNSW) search with the default beam, no filters, no vectors in the hits. */
    public static SearchRequest of(float[] query, String modelId, int k, Metric metric) {
        return new SearchRequest(query, modelId, k, metric, false, 0, Map.of(), false);
    }

    public SearchRequest withExact(boolean exact) {
        return new SearchRequest(query, modelId, k, metric, exact, efSearch, filters, includeVectors);
    }

    public SearchRequest withEfSearch(int efSearch) {
        return new SearchRequest(query, modelId, k, metric, exact, efSearch, filters, includeVectors);
    }

    public SearchRequest withFilters(Map<String, String> filters) {
        return new SearchRequest(query, modelId, k, metric, exact, efSearch, filters, includeVectors);
    }

    public SearchRequest withIncludeVectors(boolean includeVectors) {
        return new SearchRequest(query, modelId, k, metric, exact, efSearch, filters, includeVectors);
    }

    /** The query vector. A copy: the request stays as it was validated. */
    @Override
    public float[] query() {
        return query.clone();
    }

    /** The query vector without a copy, for the index's own scoring (which only reads it). */
    float[] queryView() {
        return query;
    }
}
