package dev.semstream.topology;

import dev.semstream.avro.Embedding;
import dev.semstream.embedded.Eventually;
import dev.semstream.metrics.Metrics;
import dev.semstream.metrics.ScrapedSeries;
import dev.semstream.model.Encoder;
import dev.semstream.model.EncoderOptions;
import dev.semstream.model.load.EncoderModels;
import dev.semstream.model.load.SmallEncoders;
import dev.semstream.store.Metric;
import dev.semstream.store.QueryableIndexes;
import dev.semstream.store.SearchHit;
import dev.semstream.store.SearchRequest;
import dev.semstream.store.VectorIndex;
import dev.semstream.store.VectorEncoding;
import dev.semstream.topology.ControlState.ModelBuild;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A re-embedding through the embedder's topology: backfill, inline embedding by both models, the switch. */
class ReembedTopologyTest {
    static Encoder miniLm;
    static Encoder small;
    static final String SMALL_LOCATION = "small-checkpoint";
    static final long REQUESTED_AT = 1_700_000_000_000L;

    @TempDir
    Path stateDir;
    EmbedderTestDriver fixture;
    TopologyTestDriver driver;
    TestInputTopic<byte[], byte[]> input;
    TestInputTopic<String, String> controlIn;
    TestOutputTopic<String, Embedding> embeddings;
    TestOutputTopic<String, String> controlOut;
    KeyValueStore<String, Embedding> store;
    QueryableIndexes indexes = new QueryableIndexes();
    Metrics metrics = new Metrics();
    ModelControl control;
    /** How many loads of the new model fail first, as on an instance where its directory is missing. */
    AtomicInteger missingLoads = new AtomicInteger();
    EmbedderConfig config = EmbedderConfig.defaults().withInputFormat(InputFormat.TEXT)
            .withBatching(8, Duration.ofMillis(50));

    @BeforeAll
    static void loadEncoders() {
        miniLm = EncoderModels.encoder(null, EncoderOptions.defaults());
        small = SmallEncoders.encoder(1);
    }

    void start() {
        start(EncodingQueue.inline(miniLm));
    }

    void start(EncodingQueue encoding) {
        control = new ModelControl(miniLm, null, (location, options) -> {
            assertEquals(SMALL_LOCATION, location);
            if (missingLoads.getAndDecrement() > 0) {
                throw new IllegalStateException("no model directory " + location + " on this instance");
            }
            return small;
        }, indexes);
        Topology topology = EmbedderTopology.build(config, encoding, control, null,
                new AvroBinarySerde<>(Embedding.class), metrics.embedder());
        fixture = new EmbedderTestDriver(topology, config, "reembed-test", stateDir);
        driver = fixture.driver;
        input = fixture.input;
        embeddings = fixture.embeddings;
        store = fixture.store;
        controlIn = driver.createInputTopic(config.controlTopic(), new StringSerializer(), new StringSerializer());
        controlOut = driver.createOutputTopic(config.controlTopic(), new StringDeserializer(), new StringDeserializer());
    }

    @AfterEach
    void close() {
        if (fixture != null) {
            fixture.close();
        }
        metrics.close();
    }

    void pipeText(String id, String text) {
        fixture.pipeText(id, text);
    }

    /** What the tasks wrote to the control topic, piped back in as the topic would deliver it to the global store. */
    void relayControl() {
        for (TestRecord<String, String> r : controlOut.readRecordsToList()) {
            controlIn.pipeInput(r.key(), r.value());
        }
    }

    void tick() {
        driver.advanceWallClockTime(Duration.ofMillis(20));
        relayControl();
    }

    void requestBuild(boolean keep, Duration grace) {
        controlIn.pipeInput(ControlRecords.BUILD, ControlRecords.build(new ModelBuild(SMALL_LOCATION,
                REQUESTED_AT, 1, keep, grace.toMillis())));
        Eventually.await(Duration.ofSeconds(30), "the new model loaded", () -> control.buildingEncoder().isPresent());
    }

    Set<String> ids(String model) {
        Set<String> out = new TreeSet<>();
        try (KeyValueIterator<String, Embedding> it = store.prefixScan(VectorKeys.prefix(model), new StringSerializer())) {
            it.forEachRemaining(kv -> out.add(kv.value.getId()));
        }
        return out;
    }

    @Test
    void aRebuildEmbedsEveryTextOnceWithTheNewModelWhileNewTextsGetBothAndThenSwitches() {
        start();
        for (int i = 0; i < 20; i++) {
            pipeText("old-" + i, "An old text, number " + i + ", about attention.");
        }
        driver.advanceWallClockTime(Duration.ofMillis(60));
        assertEquals(20, ids(miniLm.modelId()).size());
        embeddings.readRecordsToList();
        requestBuild(false, Duration.ofMinutes(10));
        tick();
        // Texts during the rebuild: new ones, an update and a delete of old ones.
        for (int i = 0; i < 5; i++) {
            pipeText("new-" + i, "A new text, number " + i + ", during the rebuild.");
        }
        pipeText("old-3", "The second version of old text 3.");
        pipeText("old-4", null);
        for (int i = 0; i < 40 && !control.activeModelId().equals(small.modelId()); i++) {
            tick();
        }
        assertEquals(small.modelId(), control.activeModelId(), "switched once every partition caught up");
        assertEquals(small.modelId(), indexes.activeModel(), "queries get the new model's indexes");

        Set<String> expected = new TreeSet<>();
        for (int i = 0; i < 20; i++) {
            expected.add("old-" + i);
        }
        expected.remove("old-4");
        for (int i = 0; i < 5; i++) {
            expected.add("new-" + i);
        }
        assertEquals(expected, ids(small.modelId()), "no text missing in the new store at the switch");
        assertEquals("The second version of old text 3.",
                store.get(VectorKeys.key(small.modelId(), "old-3")).getText(), "the update during the rebuild won");
        assertNull(store.get(VectorKeys.key(miniLm.modelId(), "old-4")), "the delete removed it under every model");

        Map<String, Integer> perText = new HashMap<>();
        for (TestRecord<String, Embedding> r : embeddings.readRecordsToList()) {
            if (r.value() != null && r.value().getModelId().equals(small.modelId())) {
                perText.merge(r.key() + "\u0000" + r.value().getText(), 1, Integer::sum);
                assertEquals(small.dimensions(), r.value().getDimensions());
            }
        }
        perText.forEach((text, n) -> assertEquals(1, n, "embedded once by the new model: " + text));
        assertTrue(perText.size() >= expected.size());
        for (int i = 0; i < 5; i++) {
            assertNotNull(store.get(VectorKeys.key(miniLm.modelId(), "new-" + i)),
                    "a text arriving during the rebuild is embedded by the old model too");
        }
        ControlState state = control.state();
        assertNull(state.build(), "the build record is cleared at the switch");
        assertEquals(miniLm.modelId(), state.active().previous());
        assertTrue(state.retired().containsKey(miniLm.modelId()), "the old model is retired");
    }

    @Test
    void textsEmbeddedByTheOldModelAloneBeforeAReopenedTasksFirstTickWithdrawItsCaughtUpReport() {
        start();
        // The control topic as a run SIGKILLed between the last caught-up report and the switch left it.
        long requestedAt = 1_700_000_000_000L;
        controlIn.pipeInput(ControlRecords.BUILD, ControlRecords.build(new ModelBuild(SMALL_LOCATION, requestedAt, 1,
                false, Duration.ofMinutes(10).toMillis())));
        Eventually.await(Duration.ofSeconds(30), "the new model loaded", () -> control.buildingEncoder().isPresent());
        controlIn.pipeInput(ControlRecords.progressKey(0), ControlRecords.progress(new ControlState.BuildProgress(
                small.modelId(), requestedAt, 0, 0, true, requestedAt)));
        // A full batch before the reopened task's first tick: no backfill yet, so the old model alone embeds it.
        for (int i = 0; i < config.batchSize(); i++) {
            pipeText("t-" + i, "Text " + i + ", arriving before the first tick.");
        }
        assertEquals(Set.of(), ids(small.modelId()));
        assertFalse(control.state().currentProgress().get(0).caughtUp(),
                "the stale caught-up report withdrawn in the transaction that wrote texts without the new model");
        for (int i = 0; i < 40 && !control.activeModelId().equals(small.modelId()); i++) {
            tick();
        }
        assertEquals(small.modelId(), control.activeModelId(), "the switch, once the backfill caught up again");
        for (int i = 0; i < 5; i++) {
            tick();
        }
        assertEquals(ids(miniLm.modelId()), ids(small.modelId()), "every text in the new model's vectors after the switch");
        Map<String, Integer> perId = new HashMap<>();
        for (TestRecord<String, Embedding> r : embeddings.readRecordsToList()) {
            if (r.value().getModelId().equals(small.modelId())) {
                perId.merge(r.key(), 1, Integer::sum);
            }
        }
        assertEquals(config.batchSize(), perId.size());
        perId.forEach((id, n) -> assertEquals(1, n, id + " embedded " + n + " times by the new model"));
    }

    @Test
    void afterTheGracePeriodTheOldModelsVectorsAreDropped() {
        start();
        for (int i = 0; i < 10; i++) {
            pipeText("t-" + i, "Text " + i + " before the switch.");
        }
        driver.advanceWallClockTime(Duration.ofMillis(60));
        requestBuild(false, Duration.ofSeconds(1));
        for (int i = 0; i < 40 && !control.activeModelId().equals(small.modelId()); i++) {
            tick();
        }
        assertEquals(small.modelId(), control.activeModelId());
        assertEquals(10, ids(miniLm.modelId()).size(), "kept through the grace period");
        assertTrue(indexes.models().contains(miniLm.modelId()), "and still queryable by name");
        driver.advanceWallClockTime(Duration.ofSeconds(2));
        tick();
        assertTrue(ids(miniLm.modelId()).isEmpty(), "dropped after it");
        assertTrue(!indexes.models().contains(miniLm.modelId()), "its index left the registry");
        assertEquals(10, ids(small.modelId()).size());
    }

    @Test
    void withKeepTheOldModelStaysLiveAndIsEmbeddedInline() {
        start();
        pipeText("a", "A text before the switch.");
        driver.advanceWallClockTime(Duration.ofMillis(60));
        requestBuild(true, Duration.ofSeconds(1));
        for (int i = 0; i < 40 && !control.activeModelId().equals(small.modelId()); i++) {
            tick();
        }
        assertEquals(small.modelId(), control.activeModelId());
        assertTrue(control.state().kept().containsKey(miniLm.modelId()));
        driver.advanceWallClockTime(Duration.ofSeconds(2));
        pipeText("b", "A text after the switch.");
        driver.advanceWallClockTime(Duration.ofMillis(60));
        assertEquals(Set.of("a", "b"), ids(miniLm.modelId()), "a kept model is embedded inline, never dropped");
        assertEquals(Set.of("a", "b"), ids(small.modelId()));
    }

    /** {@code reembed --cancel}, as the control topic delivers it to the global store. */
    void cancelBuild() {
        controlIn.pipeInput(ControlRecords.CANCEL, ControlRecords.cancel(REQUESTED_AT, REQUESTED_AT + 1));
    }

    @Test
    void aCancelMidBackfillStopsTheNewModelDropsItsVectorsAndTheOldModelStillAnswers() {
        start();
        for (int i = 0; i < 80; i++) {
            pipeText("t-" + i, "Stored text " + i + " about queries, keys and values.");
        }
        driver.advanceWallClockTime(Duration.ofMillis(60));
        requestBuild(false, Duration.ofMinutes(10));
        tick();
        tick();
        pipeText("during", "A text that arrives while the new model is built.");
        for (int i = 0; i < 3; i++) {
            tick();
        }
        int done = ids(small.modelId()).size();
        assertTrue(done > 0 && done < 80, "cancelled mid-backfill: " + done + " of 80 re-embedded");
        assertNotNull(store.get(VectorKeys.key(small.modelId(), "during")), "a live text got both models");

        cancelBuild();
        assertTrue(control.state().dropping().containsKey(small.modelId()), "the partition had reported the model");
        tick();
        assertTrue(ids(small.modelId()).isEmpty(), "every vector of the new model is deleted");
        assertTrue(!indexes.models().contains(small.modelId()), "and its index left the registry");
        pipeText("after", "A text that arrives after the cancel.");
        pipeText("t-0", "A new version of stored text 0.");
        for (int i = 0; i < 20; i++) {
            tick();
        }
        assertTrue(ids(small.modelId()).isEmpty(), "no new-model vector is written after the cancel");
        assertTrue(control.buildingEncoder().isEmpty());
        assertEquals(miniLm.modelId(), control.activeModelId(), "the active model stays as it was");
        assertNull(control.state().active(), "no switch was written (the test starts with no active record)");
        assertEquals(82, ids(miniLm.modelId()).size());

        Map<String, String> latestModel = new HashMap<>();
        for (TestRecord<String, Embedding> r : embeddings.readRecordsToList()) {
            latestModel.put(r.key(), r.value() == null ? null : r.value().getModelId());
        }
        latestModel.forEach((id, model) -> assertEquals(miniLm.modelId(), model,
                "the compacted topic's latest record of " + id + " is the active model's"));
        assertEquals(82, latestModel.size());

        VectorIndex index = indexes.snapshot().get(0);
        float[] query = miniLm.embed("A text that arrives after the cancel.").vector();
        List<SearchHit> hits = index.search(SearchRequest.of(query, miniLm.modelId(), 1, Metric.COSINE));
        assertEquals("after", hits.get(0).id(), "the old model still answers");
    }

    @Test
    void aBatchStillEncodingWithTheNewModelWhenTheCancelArrivesWritesOnlyTheActiveModelsVector() {
        // The test runs the encoder's work itself, so the cancel arrives while a batch of both models encodes.
        Deque<Runnable> work = new ArrayDeque<>();
        start(new EncodingQueue(miniLm, work::add));
        pipeText("a", "A text before the rebuild.");
        driver.advanceWallClockTime(Duration.ofMillis(60));
        work.forEach(Runnable::run);
        work.clear();
        tick();
        requestBuild(false, Duration.ofMinutes(10));
        tick();
        pipeText("live", "A text embedded by both models.");
        for (int i = 0; i < 3; i++) {
            tick();
        }
        assertTrue(work.size() >= 3, "the backfill's batch and the live batch of both models wait: " + work.size());
        embeddings.readRecordsToList();
        cancelBuild();
        work.forEach(Runnable::run);
        tick();
        assertNotNull(store.get(VectorKeys.key(miniLm.modelId(), "live")));
        assertNull(store.get(VectorKeys.key(small.modelId(), "live")), "encoded before the cancel, never written");
        assertTrue(ids(small.modelId()).isEmpty(), "nor the backfill's batch");
        for (TestRecord<String, Embedding> r : embeddings.readRecordsToList()) {
            assertEquals(miniLm.modelId(), r.value().getModelId(), "nothing of the new model is sent after the cancel: "
                    + r.key());
        }
    }

    @Test
    void aBuildThatCouldNotLoadItsModelIsCancelledAndAskedAgainOnceTheModelIsThere() {
        missingLoads.set(1);
        start();
        pipeText("a", "A text the new model never reaches.");
        driver.advanceWallClockTime(Duration.ofMillis(60));
        controlIn.pipeInput(ControlRecords.BUILD, ControlRecords.build(new ModelBuild(SMALL_LOCATION,
                REQUESTED_AT, 1, false, 0)));
        Eventually.await(Duration.ofSeconds(30), "the load failed", () -> missingLoads.get() == 0);
        for (int i = 0; i < 5; i++) {
            tick();
        }
        assertTrue(control.buildingEncoder().isEmpty(), "this instance cannot build: the switch never comes");
        cancelBuild();
        tick();
        assertNull(control.state().build());
        assertEquals(miniLm.modelId(), control.activeModelId());
        // The directory is there now: the same location is asked for again and loads, not the failed load cached.
        long again = REQUESTED_AT + 60_000;
        controlIn.pipeInput(ControlRecords.BUILD, ControlRecords.build(new ModelBuild(SMALL_LOCATION, again, 1, false, 0)));
        Eventually.await(Duration.ofSeconds(30), "the new model loaded", () -> control.buildingEncoder().isPresent());
        for (int i = 0; i < 40 && !control.activeModelId().equals(small.modelId()); i++) {
            tick();
        }
        assertEquals(small.modelId(), control.activeModelId());
        assertEquals(Set.of("a"), ids(small.modelId()));
    }

    @Test
    void eachModelsIndexesTakeTheirOwnEncodingTheModelBeingBuiltToo() {
        // The old model by its full id, the new one by its name alone (what users know before it loads).
        String name = small.modelId().substring(0, small.modelId().indexOf('@'));
        config = config.withVectorEncodings(VectorEncodings.parse("float," + miniLm.modelId() + "=bf16," + name + "=int8"));
        start();
        metrics.watch(indexes);
        for (int i = 0; i < 4; i++) {
            pipeText("t-" + i, "Text " + i + " about keys and values.");
        }
        driver.advanceWallClockTime(Duration.ofMillis(60));
        requestBuild(false, Duration.ofMinutes(10));
        tick();
        assertEquals(VectorEncoding.BF16, indexes.snapshot(miniLm.modelId()).get(0).memory().encoding());
        assertEquals(VectorEncoding.INT8, indexes.snapshot(small.modelId()).get(0).memory().encoding(),
                "the model being built opens its indexes in its own encoding");
        ScrapedSeries scrape = new ScrapedSeries(metrics.scrape());
        for (Map.Entry<String, String> model : Map.of(miniLm.modelId(), "bf16", small.modelId(), "int8").entrySet()) {
            assertEquals(indexes.snapshot(model.getKey()).get(0).memory().heapBytesPerVector(),
                    scrape.value("semstream_index_bytes_per_vector", "model", model.getKey(), "partition", "0",
                            "encoding", model.getValue()).orElseThrow(() -> new AssertionError(scrape.toString())),
                    1e-9, "each model's memory is its own series");
        }
    }

    @Test
    void aStoreWrittenBeforeKeysCarriedTheModelIsRewrittenUnderEachRecordsModel() {
        StoreBackedIndexTest.encoder = miniLm;
        KeyValueStore<String, Embedding> legacy = StoreBackedIndexTest.storeWith(List.of("A text.", "Another text."));
        // storeWith writes model-keyed records; make them legacy ones, as the previous version wrote them.
        for (String id : List.of("id-0", "id-1")) {
            Embedding e = legacy.get(VectorKeys.key(miniLm.modelId(), id));
            legacy.delete(VectorKeys.key(miniLm.modelId(), id));
            legacy.put(id, e);
        }
        assertEquals(2, VectorKeys.migrateLegacy(legacy));
        assertNull(legacy.get("id-0"), "the legacy key is gone");
        assertEquals("Another text.", legacy.get(VectorKeys.key(miniLm.modelId(), "id-1")).getText());
        assertEquals(0, VectorKeys.migrateLegacy(legacy), "and a second open finds nothing to do");
    }
}
