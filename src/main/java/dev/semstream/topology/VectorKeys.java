package dev.semstream.topology;

import dev.semstream.avro.Embedding;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.util.ArrayList;
import java.util.List;

/**
 * The vector store's keys: {@code modelId + '\u0000' + id}. Model first, so a prefix scan lists one model's
 * vectors and the vectors of two models (the active one and the one a re-embedding builds) live side by
 * side in one store of one static topology. A key without the separator was written before stores were
 * keyed by model; {@link EmbedProcessor} rewrites those under their record's model when its task opens.
 */
public final class VectorKeys {
    static final char SEPARATOR = '\u0000';

    private VectorKeys() {
    }

    public static String key(String modelId, String id) {
        return modelId + SEPARATOR + id;
    }

    /** What every key of the model starts with. */
    public static String prefix(String modelId) {
        return modelId + SEPARATOR;
    }

    /** The text id of a key. */
    public static String id(String key) {
        return key.substring(key.indexOf(SEPARATOR) + 1);
    }

    /** Whether the key was written before stores were keyed by model. */
    static boolean isLegacy(String key) {
        return key.indexOf(SEPARATOR) < 0;
    }

    /**
     * Rewrites every record of a store written before it was keyed by model under its record's model, and
     * deletes the legacy key. On the stream thread, when the task opens, so the rewrite is in the changelog
     * with the task's other writes.
     *
     * @return how many records were rewritten
     */
    static int migrateLegacy(KeyValueStore<String, Embedding> store) {
        List<KeyValue<String, Embedding>> legacy = new ArrayList<>();
        try (KeyValueIterator<String, Embedding> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, Embedding> kv = it.next();
                if (isLegacy(kv.key)) {
                    legacy.add(kv);
                }
            }
        }
        for (KeyValue<String, Embedding> kv : legacy) {
            store.put(key(kv.value.getModelId(), kv.key), kv.value);
            store.delete(kv.key);
        }
        return legacy.size();
    }
}
