package dev.semstream.topology;

import dev.semstream.avro.Embedding;
import dev.semstream.store.VectorEntry;

import java.util.ArrayList;
import java.util.List;

/**
 * The stored and published {@link Embedding} record turned into what the rest of the code works with: a
 * search entry, and its vector as a {@code float[]}. The one place the record's {@code List<Float>} and
 * {@code float[]} are turned into each other.
 */
public final class EmbeddingRecords {
    private EmbeddingRecords() {
    }

    /** The record as a search entry (its id, vector, model, metadata and text). */
    public static VectorEntry entry(Embedding e) {
        return new VectorEntry(e.getId(), vector(e), e.getModelId(), e.getMetadata(), e.getText());
    }

    /** The record's vector. */
    public static float[] vector(Embedding e) {
        List<Float> values = e.getVector();
        float[] v = new float[values.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = values.get(i);
        }
        return v;
    }

    /** A vector as the record holds it. */
    public static List<Float> vectorField(float[] vector) {
        List<Float> values = new ArrayList<>(vector.length);
        for (float x : vector) {
            values.add(x);
        }
        return values;
    }
}
