package dev.semstream.topology;

import dev.semstream.avro.Embedding;
import dev.semstream.model.Encoder;
import dev.semstream.model.EncoderOptions;
import dev.semstream.model.load.EncoderModels;
import dev.semstream.reference.TextCorpus;
import dev.semstream.store.Metric;
import dev.semstream.store.PartitionIndexes;
import dev.semstream.store.SearchHit;
import dev.semstream.store.SearchRequest;
import dev.semstream.store.VectorIndex;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A partition's index opening on a store that already holds vectors: inline, or with the graph built in the background. */
class PartitionIndexTest {
    static Encoder encoder;

    @BeforeAll
    static void loadEncoder() {
        encoder = EncoderModels.encoder(null, EncoderOptions.defaults());
    }

    static KeyValueStore<String, Embedding> storeWith(List<String> texts) {
        KeyValueStore<String, Embedding> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("vectors"),
                Serdes.String(), new AvroBinarySerde<>(Embedding.class)).withLoggingDisabled().build();
        MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
        store.init(context.getStateStoreContext(), store);
        List<dev.semstream.model.Embedding> vectors = encoder.embed(texts);
        for (int i = 0; i < texts.size(); i++) {
            put(store, "id-" + i, texts.get(i), vectors.get(i));
        }
        return store;
    }

    static void put(KeyValueStore<String, Embedding> store, String id, String text, dev.semstream.model.Embedding e) {
        List<Float> v = new ArrayList<>();
        for (float x : e.vector()) {
            v.add(x);
        }
        store.put(id, Embedding.newBuilder().setId(id).setModelId(encoder.modelId()).setVector(v).setDimensions(v.size())
                .setTokenCount(e.tokenCount()).setTruncated(false).setText(text).setMetadata(Map.of())
                .setEventTime(null).setEmbeddedAt(Instant.EPOCH).build());
    }

    static List<String> ids(VectorIndex index, float[] q, boolean exact) {
        return index.search(SearchRequest.of(q, encoder.modelId(), 10, Metric.COSINE).withExact(exact)).stream()
                .map(SearchHit::id).toList();
    }

    @Test
    void aLargePartitionOpensAtOnceAnsweringExactlyThenSwapsInTheGraphWithTheWritesMadeMeanwhile() {
        List<String> texts = TextCorpus.texts(3L, 300, 12);
        KeyValueStore<String, Embedding> store = storeWith(texts);
        PartitionIndexes registry = new PartitionIndexes();
        PartitionIndex index = PartitionIndex.open(4, registry, store, encoder, 100);
        assertSame(index.live(), registry.snapshot().get(4), "registered at once");
        assertEquals(300, index.live().size());
        float[] q = encoder.embed(texts.get(17)).vector();
        assertEquals("id-17", ids(index.live(), q, false).get(0), "approximate queries are answered exactly meanwhile");

        // Writes while the graph builds from the snapshot: the store changes first, as the processor does it.
        String newText = "A brand new text about positional embeddings.";
        put(store, "id-new", newText, encoder.embed(newText));
        index.upsert(VectorStoreIndex.entry(store.get("id-new")));
        store.delete("id-17");
        index.delete("id-17");

        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (index.buildingGraph()) {
            assertTrue(System.nanoTime() < deadline, "the graph was not built in 2 minutes");
            index.swapInGraphIfBuilt();
            Thread.onSpinWait();
        }
        VectorIndex graph = registry.snapshot().get(4);
        assertSame(index.live(), graph, "the built graph is what queries see now");
        assertEquals(300, graph.size());
        assertTrue(graph.get("id-17").isEmpty(), "a delete made during the build is replayed");
        assertEquals("id-new", ids(graph, encoder.embed(newText).vector(), false).get(0), "so is an upsert");
        assertEquals(ids(graph, q, true), ids(graph, q, false), "the graph finds the exact top 10 here");
        assertFalse(ids(graph, q, false).contains("id-17"));
        index.close();
        assertTrue(registry.snapshot().isEmpty());
    }

    @Test
    void aSmallPartitionBuildsItsGraphAsItOpens() {
        KeyValueStore<String, Embedding> store = storeWith(TextCorpus.texts(4L, 20, 8));
        PartitionIndex index = PartitionIndex.open(0, new PartitionIndexes(), store, encoder, 100);
        assertFalse(index.buildingGraph());
        assertEquals(20, index.live().size());
    }
}
