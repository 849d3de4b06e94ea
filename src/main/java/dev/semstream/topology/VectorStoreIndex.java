package dev.semstream.topology;

import dev.semstream.avro.Embedding;
import dev.semstream.store.VectorEntry;

import java.util.List;

/** Stored embeddings as search index entries and plain vectors. */
public final class VectorStoreIndex {
    private VectorStoreIndex() {
    }

    public static VectorEntry entry(Embedding e) {
        return new VectorEntry(e.getId(), vector(e), e.getModelId(), e.getMetadata(), e.getText());
    }

    public static float[] vector(Embedding e) {
        List<Float> values = e.getVector();
        float[] v = new float[values.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = values.get(i);
        }
        return v;
    }
}
