package dev.semstream.store;

import java.util.Map;

/**
 * One result of a search, with the stored entry's fields.
 *
 * @param score    per the request's {@link Metric}: cosine similarity, Euclidean distance or dot product
 * @param vector   a copy of the stored vector when the request asked for vectors, else null
 */
public record SearchHit(String id, float score, String modelId, Map<String, String> metadata, String text,
                        float[] vector) {
}
