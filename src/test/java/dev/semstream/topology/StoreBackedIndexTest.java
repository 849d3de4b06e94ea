package dev.semstream.topology;

import dev.semstream.avro.Embedding;
import dev.semstream.model.Encoder;
import dev.semstream.model.EncoderOptions;
import dev.semstream.model.TextVector;
import dev.semstream.model.load.EncoderModels;
import dev.semstream.reference.TextCorpus;
import dev.semstream.store.IndexConfig;
import dev.semstream.store.Metric;
import dev.semstream.store.QueryableIndexes;
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
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A task's store-backed index: exact while small, then with an HNSW graph built inline or in the background,
 * whether the store already holds the vectors when the task opens or the partition grows to the threshold.
 */
class StoreBackedIndexTest {
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
        List<TextVector> vectors = encoder.embed(texts);
        for (int i = 0; i < texts.size(); i++) {
            put(store, "id-" + i, texts.get(i), vectors.get(i));
        }
        return store;
    }

    static void put(KeyValueStore<String, Embedding> store, String id, String text, TextVector e) {
        store.put(VectorKeys.key(encoder.modelId(), id), Embedding.newBuilder().setId(id).setModelId(encoder.modelId())
                .setVector(EmbeddingRecords.vectorField(e.vector())).setDimensions(e.vector().length)
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
        QueryableIndexes registry = new QueryableIndexes();
        StoreBackedIndex index = StoreBackedIndex.open(4, registry, store, indexConfig(), new GraphBuildPolicy(0, 100));
        assertSame(index.live(), registry.snapshot().get(4), "registered at once");
        assertEquals(300, index.live().size());
        float[] q = encoder.embed(texts.get(17)).vector();
        assertEquals("id-17", ids(index.live(), q, false).get(0), "approximate queries are answered exactly meanwhile");

        // Writes while the graph builds from the snapshot: the store changes first, as the processor does it.
        String newText = "A brand new text about positional embeddings.";
        put(store, "id-new", newText, encoder.embed(newText));
        index.upsert(EmbeddingRecords.entry(store.get(VectorKeys.key(encoder.modelId(), "id-new"))));
        store.delete(VectorKeys.key(encoder.modelId(), "id-17"));
        index.delete("id-17");

        assertFalse(index.hasGraph());
        awaitGraph(index);
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

    static void awaitGraph(StoreBackedIndex index) {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (index.buildingGraph()) {
            assertTrue(System.nanoTime() < deadline, "the graph was not built in 2 minutes");
            index.swapInGraphIfBuilt();
            Thread.onSpinWait();
        }
        assertTrue(index.hasGraph(), "the built graph is swapped in");
    }

    /** Stores and indexes one more text the way the processor does: the store first. */
    /** The index settings the embed tasks open a partition's index with, for the test's encoder. */
    static IndexConfig indexConfig() {
        return IndexConfig.of(encoder.modelId(), encoder.dimensions());
    }

    static void add(KeyValueStore<String, Embedding> store, StoreBackedIndex index, String id, String text) {
        put(store, id, text, encoder.embed(text));
        index.upsert(EmbeddingRecords.entry(store.get(VectorKeys.key(encoder.modelId(), id))));
    }

    @Test
    void aSmallPartitionBuildsItsGraphAsItOpens() {
        KeyValueStore<String, Embedding> store = storeWith(TextCorpus.texts(4L, 20, 8));
        StoreBackedIndex index = StoreBackedIndex.open(0, new QueryableIndexes(), store, indexConfig(),
                new GraphBuildPolicy(0, 100));
        assertFalse(index.buildingGraph());
        assertTrue(index.hasGraph());
        assertEquals(20, index.live().size());
    }

    @Test
    void aPartitionBelowTheThresholdIsSearchedExactlyAndGetsItsGraphInlineOnceItGrowsToIt() {
        List<String> texts = TextCorpus.texts(5L, 22, 8);
        KeyValueStore<String, Embedding> store = storeWith(texts.subList(0, 20));
        QueryableIndexes registry = new QueryableIndexes();
        StoreBackedIndex index = StoreBackedIndex.open(1, registry, store, indexConfig(), new GraphBuildPolicy(22, 100));
        assertFalse(index.hasGraph(), "20 vectors, under the threshold of 22: no graph to keep up");
        assertFalse(index.buildingGraph());
        float[] q = encoder.embed(texts.get(3)).vector();
        assertEquals("id-3", ids(index.live(), q, false).get(0), "an approximate query is answered exactly");

        add(store, index, "id-20", texts.get(20));
        assertFalse(index.hasGraph(), "21 vectors");
        add(store, index, "id-21", texts.get(21));
        assertTrue(index.hasGraph(), "22 vectors: the graph is built on the spot (under inlineBuildMax)");
        assertFalse(index.buildingGraph());
        assertSame(index.live(), registry.snapshot().get(1), "and registered for queries");
        assertEquals(22, index.live().size());
        assertEquals(ids(index.live(), q, true), ids(index.live(), q, false));
        assertEquals("id-21", ids(index.live(), encoder.embed(texts.get(21)).vector(), false).get(0));
    }

    @Test
    void aPartitionGrowingPastTheThresholdBuildsALargeGraphInTheBackgroundAndKeepsTheWritesMadeMeanwhile() {
        List<String> texts = TextCorpus.texts(6L, 33, 8);
        KeyValueStore<String, Embedding> store = storeWith(texts.subList(0, 29));
        QueryableIndexes registry = new QueryableIndexes();
        StoreBackedIndex index = StoreBackedIndex.open(2, registry, store, indexConfig(), new GraphBuildPolicy(30, 10));
        assertFalse(index.hasGraph());
        add(store, index, "id-29", texts.get(29));
        assertTrue(index.buildingGraph(), "30 vectors, over inlineBuildMax 10: built in the background");
        assertFalse(index.hasGraph(), "exact search answers meanwhile");
        add(store, index, "id-30", texts.get(30));
        store.delete(VectorKeys.key(encoder.modelId(), "id-5"));
        index.delete("id-5");
        awaitGraph(index);
        assertSame(index.live(), registry.snapshot().get(2));
        assertEquals(30, index.live().size(), "31 written, one deleted");
        assertTrue(index.live().get("id-5").isEmpty());
        assertEquals("id-30", ids(index.live(), encoder.embed(texts.get(30)).vector(), false).get(0));
        add(store, index, "id-31", texts.get(31));
        assertTrue(index.hasGraph(), "later writes link into the graph");
        assertEquals(31, index.live().size());
    }

    @Test
    void aGraphWithAQuarterRetiredIsRebuiltFromTheStoreInTheBackgroundNotByTheStreamThread() {
        List<String> texts = TextCorpus.texts(7L, 40, 8);
        KeyValueStore<String, Embedding> store = storeWith(texts);
        QueryableIndexes registry = new QueryableIndexes();
        IndexConfig config = indexConfig().withCompaction(0.25, 5);
        StoreBackedIndex index = StoreBackedIndex.open(3, registry, store, config, new GraphBuildPolicy(0, 10));
        awaitGraph(index);
        for (int i = 0; i < 9; i++) {
            store.delete(VectorKeys.key(encoder.modelId(), "id-" + i));
            index.delete("id-" + i);
            assertFalse(index.buildingGraph(), "9 of 40 retired is under a quarter");
        }
        assertEquals(9, index.live().stats().retired(), "the graph keeps its retired nodes; it does not compact itself");
        store.delete(VectorKeys.key(encoder.modelId(), "id-9"));
        index.delete("id-9");
        assertTrue(index.buildingGraph(), "10 of 40: a rebuild starts, in the background (30 live > inlineBuildMax 10)");
        assertEquals(0, index.live().stats().compactions(), "and not on this thread");
        add(store, index, "id-new", "A text written while the graph is rebuilt.");
        store.delete(VectorKeys.key(encoder.modelId(), "id-20"));
        index.delete("id-20");
        awaitGraph(index);
        VectorIndex rebuilt = registry.snapshot().get(3);
        assertSame(index.live(), rebuilt);
        assertEquals(1, rebuilt.stats().retired(),
                "the rebuilt graph holds none of the ten retired nodes, only id-20, deleted during the rebuild and replayed");
        assertEquals(30, rebuilt.size(), "40 - 10 deleted + 1 new - 1 deleted meanwhile");
        assertTrue(rebuilt.get("id-20").isEmpty());
        assertEquals("id-new", ids(rebuilt, encoder.embed("A text written while the graph is rebuilt.").vector(), false)
                .get(0));
        float[] q = encoder.embed(texts.get(30)).vector();
        assertEquals(ids(rebuilt, q, true), ids(rebuilt, q, false));
    }
}
