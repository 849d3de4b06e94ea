package dev.semstream.topology;

import dev.semstream.avro.Embedding;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** One model's part of the vector store, keyed by text id as readers know it (the store's keys carry the model). */
final class ModelStoreView implements ReadOnlyKeyValueStore<String, Embedding> {
    private final ReadOnlyKeyValueStore<String, Embedding> store;
    private final String modelId;

    ModelStoreView(ReadOnlyKeyValueStore<String, Embedding> store, String modelId) {
        this.store = store;
        this.modelId = modelId;
    }

    @Override
    public Embedding get(String id) {
        return store.get(VectorKeys.key(modelId, id));
    }

    @Override
    public KeyValueIterator<String, Embedding> range(String from, String to) {
        return byId(store.range(VectorKeys.key(modelId, from), VectorKeys.key(modelId, to)));
    }

    @Override
    public KeyValueIterator<String, Embedding> all() {
        return byId(store.prefixScan(VectorKeys.prefix(modelId), new StringSerializer()));
    }

    /** Counts the model's entries: exact, and a scan. */
    @Override
    public long approximateNumEntries() {
        long n = 0;
        try (KeyValueIterator<String, Embedding> it = all()) {
            while (it.hasNext()) {
                it.next();
                n++;
            }
        }
        return n;
    }

    private static KeyValueIterator<String, Embedding> byId(KeyValueIterator<String, Embedding> it) {
        return new KeyValueIterator<>() {
            @Override
            public void close() {
                it.close();
            }

            @Override
            public String peekNextKey() {
                return VectorKeys.id(it.peekNextKey());
            }

            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public KeyValue<String, Embedding> next() {
                KeyValue<String, Embedding> kv = it.next();
                return KeyValue.pair(VectorKeys.id(kv.key), kv.value);
            }
        };
    }
}
