package dev.semstream.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.semstream.store.Metric;
import dev.semstream.store.SearchRequest;
import dev.semstream.store.VectorStoreException;

import java.time.Duration;
import java.util.Map;

/**
 * A search as users ask it over HTTP: by text, by vector or by the id of a stored text, with k, metric,
 * exact or approximate, filters, and how to treat instances that are slow or still restoring.
 *
 * @param stale   answer from standby replicas and restoring stores too (possibly behind the stream)
 * @param timeout how long to wait for other instances; later answers are left out and the result is
 *                marked partial
 */
record SearchQuery(String text, float[] vector, String id, String modelId, int k, Metric metric, boolean exact,
                   int ef, Map<String, String> filters, boolean includeVectors, boolean stale, Duration timeout) {
    static final int DEFAULT_K = 10;
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);
    static final int MAX_TIMEOUT_MS = 60_000;

    static SearchQuery parse(JsonNode json) {
        JsonNode body = Json.object(json);
        String text = Json.text(body, "text");
        float[] vector = Json.floats(body, "vector");
        String id = Json.text(body, "id");
        int given = (text != null ? 1 : 0) + (vector != null ? 1 : 0) + (id != null ? 1 : 0);
        if (given != 1) {
            throw ApiException.badRequest("give exactly one of 'text', 'vector' or 'id' to search by"
                    + (given == 0 ? "" : ", not " + given));
        }
        if (text != null && text.isBlank()) {
            throw ApiException.badRequest("'text' is blank");
        }
        if (vector != null && vector.length == 0) {
            throw ApiException.badRequest("'vector' is empty");
        }
        int k = Json.integer(body, "k", DEFAULT_K);
        if (k < 1 || k > SearchRequest.MAX_K) {
            throw ApiException.badRequest("'k' must be between 1 and " + SearchRequest.MAX_K + ", was " + k);
        }
        Metric metric;
        try {
            String name = Json.text(body, "metric");
            metric = name == null ? Metric.COSINE : Metric.parse(name);
        } catch (VectorStoreException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        int ef = Json.integer(body, "ef", 0);
        if (ef < 0 || ef > SearchRequest.MAX_EF_SEARCH) {
            throw ApiException.badRequest("'ef' must be between 1 and " + SearchRequest.MAX_EF_SEARCH
                    + " (or 0 for the default), was " + ef);
        }
        int timeoutMs = Json.integer(body, "timeoutMs", (int) DEFAULT_TIMEOUT.toMillis());
        if (timeoutMs < 1 || timeoutMs > MAX_TIMEOUT_MS) {
            throw ApiException.badRequest("'timeoutMs' must be between 1 and " + MAX_TIMEOUT_MS + ", was " + timeoutMs);
        }
        return new SearchQuery(text, vector, id, Json.text(body, "modelId"), k, metric, Json.bool(body, "exact", false),
                ef, Json.strings(body, "filters"), Json.bool(body, "includeVectors", false), Json.bool(body, "stale", false),
                Duration.ofMillis(timeoutMs));
    }

    /** The store's request for a query vector, asking for {@code k} hits; see {@link QueryVectors}. */
    SearchRequest request(float[] queryVector, String queryModelId, int hits) {
        return new SearchRequest(QueryVectors.prepare(metric, queryVector), queryModelId, hits, metric, exact, ef,
                filters, includeVectors);
    }

    /** The body another instance's {@code /internal/search} takes: always by vector, never fanned out again. */
    static ObjectNode internalBody(SearchRequest request, boolean stale) {
        ObjectNode body = Json.newObject();
        Json.putFloats(body, "vector", request.query());
        body.put("modelId", request.modelId());
        body.put("k", request.k());
        body.put("metric", request.metric().userName());
        body.put("exact", request.exact());
        body.put("ef", request.efSearch());
        ObjectNode filters = body.putObject("filters");
        request.filters().forEach(filters::put);
        body.put("includeVectors", request.includeVectors());
        body.put("stale", stale);
        return body;
    }
}
