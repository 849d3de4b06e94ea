package dev.semstream.store;

import java.util.Map;
import java.util.Objects;

/**
 * One stored vector with what travels with it: its id (the record key), the model that made it, its
 * metadata (filterable as key=value) and optionally its text.
 *
 * <p>The vector array is owned by the entry once built: the index copies it in on upsert and hands out
 * copies, so no caller can change a stored vector behind the index's back.
 */
public record VectorEntry(String id, float[] vector, String modelId, Map<String, String> metadata, String text) {

    public VectorEntry {
        if (id == null || id.isEmpty()) {
            throw new InvalidRequestException("a vector needs a non-empty id");
        }
        if (vector == null) {
            throw new InvalidRequestException("vector of id " + id + " is missing");
        }
        if (modelId == null || modelId.isEmpty()) {
            throw new InvalidRequestException("vector of id " + id + " has no model id");
        }
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
        Vectors.requireFinite(vector, "vector of id " + id);
    }

    public VectorEntry(String id, float[] vector, String modelId) {
        this(id, vector, modelId, Map.of(), null);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VectorEntry e && id.equals(e.id) && java.util.Arrays.equals(vector, e.vector)
                && modelId.equals(e.modelId) && metadata.equals(e.metadata) && Objects.equals(text, e.text);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    @Override
    public String toString() {
        return "VectorEntry[id=" + id + ", dimensions=" + vector.length + ", modelId=" + modelId + ", metadata="
                + metadata + "]";
    }
}
