package dev.semstream.topology;

import dev.semstream.avro.Embedding;
import dev.semstream.model.Encoder;
import dev.semstream.store.IndexConfig;
import dev.semstream.store.VectorEntry;
import dev.semstream.store.VectorIndex;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/** Builds a partition's search index from its vector store, the store being the truth. */
final class VectorStoreIndex {
    private static final Logger LOG = LoggerFactory.getLogger(VectorStoreIndex.class);

    private VectorStoreIndex() {
    }

    /**
     * Every vector of the encoder's model in the store, indexed. Vectors another model made (the store
     * outlived a model change) cannot be compared with this model's queries: they are left out, with a
     * warning, and stay in the store until their texts are embedded again.
     */
    static VectorIndex rebuild(KeyValueStore<String, Embedding> store, Encoder encoder) {
        VectorIndex index = new VectorIndex(IndexConfig.of(encoder.modelId(), encoder.dimensions()));
        List<VectorEntry> entries = new ArrayList<>();
        int otherModel = 0;
        try (KeyValueIterator<String, Embedding> it = store.all()) {
            while (it.hasNext()) {
                Embedding e = it.next().value;
                if (!e.getModelId().equals(encoder.modelId())) {
                    otherModel++;
                    continue;
                }
                entries.add(entry(e));
            }
        }
        if (otherModel > 0) {
            LOG.warn("{} stored vectors were made by another model than {}; they are not searchable until re-embedded",
                    otherModel, encoder.modelId());
        }
        index.rebuild(entries.iterator());
        return index;
    }

    static VectorEntry entry(Embedding e) {
        return new VectorEntry(e.getId(), vector(e), e.getModelId(), e.getMetadata(), e.getText());
    }

    static float[] vector(Embedding e) {
        List<Float> values = e.getVector();
        float[] v = new float[values.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = values.get(i);
        }
        return v;
    }
}
