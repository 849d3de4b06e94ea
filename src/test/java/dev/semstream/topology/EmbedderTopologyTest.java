package dev.semstream.topology;

import dev.semstream.avro.Embedding;
import dev.semstream.metrics.Metrics;
import dev.semstream.metrics.ScrapedSeries;
import dev.semstream.model.Encoder;
import dev.semstream.model.EncoderOptions;
import dev.semstream.model.TextVector;
import dev.semstream.model.load.EncoderModels;
import dev.semstream.store.Metric;
import dev.semstream.store.QueryableIndexes;
import dev.semstream.store.VectorEncoding;
import dev.semstream.store.SearchHit;
import dev.semstream.store.SearchRequest;
import dev.semstream.store.VectorIndex;
import dev.semstream.avro.TextEvent;
import dev.semstream.registry.SchemaRegistryException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.record.internal.AbstractRecords;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.Deque;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every path of the embedder topology, on {@link TopologyTestDriver} with the real default encoder. */
class EmbedderTopologyTest {
    static Encoder encoder;

    @TempDir
    Path stateDir;
    EmbedderTestDriver fixture;
    TopologyTestDriver driver;
    TestInputTopic<byte[], byte[]> input;
    TestOutputTopic<String, Embedding> embeddings;
    TestOutputTopic<byte[], byte[]> deadLetters;
    KeyValueStore<String, Embedding> store;
    QueryableIndexes indexes = new QueryableIndexes();
    Metrics metrics = new Metrics();

    @BeforeAll
    static void loadEncoder() {
        encoder = EncoderModels.encoder(null, EncoderOptions.defaults());
    }

    void start(EmbedderConfig config) {
        start(config, EncodingQueue.inline(encoder));
    }

    void start(EmbedderConfig config, EncodingQueue encoding) {
        start(config, encoding, null);
    }

    void start(EmbedderConfig config, EncodingQueue encoding, Deserializer<TextEvent> avro) {
        Topology topology = EmbedderTopology.build(config, encoding, indexes, avro,
                new AvroBinarySerde<>(Embedding.class), metrics.embedder());
        fixture = new EmbedderTestDriver(topology, config, "embedder-test", stateDir);
        driver = fixture.driver;
        input = fixture.input;
        embeddings = fixture.embeddings;
        store = fixture.store;
        deadLetters = driver.createOutputTopic(config.deadLetterTopic(), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        store = driver.getKeyValueStore(EmbedderConfig.VECTOR_STORE);
    }

    /** The stored embedding of the id by the test's encoder. */
    Embedding stored(String id) {
        return store.get(VectorKeys.key(encoder.modelId(), id));
    }

    @AfterEach
    void close() {
        if (fixture != null) {
            fixture.close();
        }
        metrics.close();
    }

    static EmbedderConfig config(InputFormat format, int batch) {
        return EmbedderConfig.defaults().withInputFormat(format).withBatching(batch, Duration.ofMillis(50));
    }

    void pipeText(String id, String text) {
        fixture.pipeText(id, text);
    }

    @Test
    void everyTextBecomesOneEmbeddingEqualToTheEncodersOwn() {
        start(config(InputFormat.TEXT, 8));
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            texts.add("Text number " + i + " is about attention, queries, keys and values.");
            pipeText("id-" + i, texts.get(i));
        }
        // 16 flushed by size; the last 4 wait for the wall-clock punctuation.
        assertEquals(16, embeddings.getQueueSize());
        driver.advanceWallClockTime(Duration.ofMillis(60));
        List<TestRecord<String, Embedding>> out = embeddings.readRecordsToList();
        assertEquals(20, out.size());
        List<TextVector> expected = encoder.embed(texts);
        for (TestRecord<String, Embedding> r : out) {
            int i = Integer.parseInt(r.key().substring(3));
            Embedding e = r.value();
            assertEquals("id-" + i, e.getId());
            assertEquals(encoder.modelId(), e.getModelId());
            assertEquals(384, e.getDimensions());
            assertEquals(expected.get(i).tokenCount(), e.getTokenCount());
            assertArrayEquals(expected.get(i).vector(), EmbeddingRecords.vector(e), 1e-6f);
            assertEquals(texts.get(i), e.getText());
            assertEquals(e, stored("id-" + i), "the store holds what was emitted");
        }
        assertEquals(0, deadLetters.getQueueSize());
    }

    @Test
    void upsertsReplaceAndTombstonesDeleteAndAreForwarded() {
        start(config(InputFormat.TEXT, 1));
        pipeText("a", "The first version of the text.");
        pipeText("a", "The second version of the text.");
        assertEquals("The second version of the text.", stored("a").getText());
        pipeText("a", null);
        assertNull(stored("a"));
        List<TestRecord<String, Embedding>> out = embeddings.readRecordsToList();
        assertEquals(3, out.size());
        assertNull(out.get(2).value(), "the tombstone is forwarded");
        assertEquals("a", out.get(2).key());
    }

    @Test
    void thePartitionsSearchIndexFollowsTheStoreAndLeavesWithTheTask() {
        start(config(InputFormat.TEXT, 1));
        pipeText("q", "Queries look for keys.");
        pipeText("v", "Values carry the content.");
        pipeText("m", "An MLP follows attention.");
        pipeText("v", "Values are mixed by the attention weights.");
        pipeText("m", null);
        VectorIndex index = indexes.snapshot().get(0);
        assertEquals(2, index.size());
        float[] query = encoder.embed("Values are mixed by the attention weights.").vector();
        List<SearchHit> hits = index.search(SearchRequest.of(query, encoder.modelId(), 5, Metric.COSINE).withExact(true));
        assertEquals(List.of("v", "q"), hits.stream().map(SearchHit::id).toList());
        assertEquals(1.0, hits.get(0).score(), 1e-5);

        fixture.close();
        fixture = null;
        assertTrue(indexes.snapshot().isEmpty(), "a closed task takes its index out of the registry");
    }

    @Test
    void thePartitionsIndexHoldsVectorsInTheConfiguredEncodingAndAnswersAtFullPrecision() {
        start(config(InputFormat.TEXT, 1).withVectorEncodings(VectorEncodings.of(VectorEncoding.INT8)));
        pipeText("q", "Queries look for keys.");
        pipeText("v", "Values carry the content.");
        VectorIndex index = indexes.snapshot().get(0);
        assertEquals(VectorEncoding.INT8, index.memory().encoding());
        float[] query = encoder.embed("Values carry the content.").vector();
        assertArrayEquals(query, index.get("v").orElseThrow().vector(), "the index reads the float vector back");
        List<SearchHit> hits = index.search(SearchRequest.of(query, encoder.modelId(), 2, Metric.COSINE).withExact(true));
        assertEquals(List.of("v", "q"), hits.stream().map(SearchHit::id).toList());
        assertEquals(1.0, hits.get(0).score(), 1e-5);
    }

    @Test
    void aTombstoneCancelsATextStillWaitingInTheBatch() {
        start(config(InputFormat.TEXT, 10));
        pipeText("b", "Waiting for the batch.");
        pipeText("b", null);
        driver.advanceWallClockTime(Duration.ofMillis(60));
        List<TestRecord<String, Embedding>> out = embeddings.readRecordsToList();
        assertEquals(1, out.size());
        assertNull(out.get(0).value());
        assertNull(stored("b"));
    }

    @Test
    void textsStayBufferedWhileTheirBatchEncodesAndUpsertsAndTombstonesMeanwhileWin() {
        // The test runs the encoding thread's work itself, so it decides when a batch finishes.
        Deque<Runnable> encoderWork = new ArrayDeque<>();
        start(config(InputFormat.TEXT, 3), new EncodingQueue(encoder, encoderWork::add));
        KeyValueStore<String, PendingText> buffer = driver.getKeyValueStore(EmbedderConfig.BUFFER_STORE);
        pipeText("keep", "Queries meet keys.");
        pipeText("upsert", "The old text.");
        pipeText("gone", "A text deleted while it encodes.");
        assertEquals(1, encoderWork.size(), "a full batch went to the encoder");
        assertEquals(3, buffer.approximateNumEntries(), "texts stay buffered, so a commit now still holds them");
        pipeText("upsert", "The new text.");
        pipeText("gone", null);
        assertNull(embeddings.readRecordsToList().get(0).value(), "only the tombstone is out yet");

        encoderWork.poll().run();
        driver.advanceWallClockTime(Duration.ofMillis(10));
        List<TestRecord<String, Embedding>> out = embeddings.readRecordsToList();
        assertEquals(List.of("keep"), out.stream().map(TestRecord::key).toList(),
                "the upserted and the deleted text of the batch are not emitted");
        assertNull(stored("gone"));
        assertNull(stored("upsert"));

        driver.advanceWallClockTime(Duration.ofMillis(60));
        assertEquals(1, encoderWork.size(), "the new text waited its flush interval and went in a batch of its own");
        encoderWork.poll().run();
        driver.advanceWallClockTime(Duration.ofMillis(10));
        out = embeddings.readRecordsToList();
        assertEquals(1, out.size());
        assertEquals("The new text.", out.get(0).value().getText());
        assertArrayEquals(encoder.embed("The new text.").vector(), EmbeddingRecords.vector(out.get(0).value()), 1e-6f);
        assertEquals(0, buffer.approximateNumEntries());
        assertTrue(encoderWork.isEmpty());
    }

    @Test
    void onTheBackgroundQueueEveryTextComesOutOnceAsTheEncoderMadeIt() {
        start(config(InputFormat.TEXT, 2), EncodingQueue.background(encoder));
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            texts.add("Background text " + i + " about causal masking.");
            pipeText("bg-" + i, texts.get(i));
        }
        List<TestRecord<String, Embedding>> out = new ArrayList<>(embeddings.readRecordsToList());
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (out.size() < texts.size() && System.nanoTime() < deadline) {
            // Emission happens on this (the stream) thread, at a tick, once the encoding thread is done.
            driver.advanceWallClockTime(Duration.ofMillis(10));
            out.addAll(embeddings.readRecordsToList());
        }
        assertEquals(texts.size(), out.size());
        List<TextVector> expected = encoder.embed(texts);
        for (TestRecord<String, Embedding> r : out) {
            int i = Integer.parseInt(r.key().substring(3));
            assertArrayEquals(expected.get(i).vector(), EmbeddingRecords.vector(r.value()), 1e-6f);
        }
        assertEquals(texts.size(), out.stream().map(TestRecord::key).distinct().count());
    }

    @Test
    void jsonEventsCarryMetadataAndEventTime() {
        start(config(InputFormat.JSON, 1));
        input.pipeInput((byte[]) null, utf8("{\"id\":\"j1\",\"text\":\"Cosine versus Euclidean distance.\","
                + "\"metadata\":{\"lang\":\"en\",\"source\":\"seed\"},\"eventTime\":1700000000123}"));
        Embedding e = stored("j1");
        assertEquals(Map.of("lang", "en", "source", "seed"), e.getMetadata());
        assertEquals(Instant.ofEpochMilli(1700000000123L), e.getEventTime());
    }

    @Test
    void textsOverTheMaxTokensAreTruncatedAndFlagged() {
        start(config(InputFormat.TEXT, 1));
        pipeText("long", "token ".repeat(400));
        Embedding e = stored("long");
        assertTrue(e.getTruncated());
        assertEquals(256, e.getTokenCount());
    }

    @Test
    void badRecordsGoToTheDeadLetterTopicWithContextAndProcessingContinues() {
        start(config(InputFormat.TEXT, 1).withMaxTextBytes(100));
        pipeText("blank", "   ");
        pipeText("big", "x".repeat(101));
        input.pipeInput(utf8("bad-utf8"), new byte[]{'o', 'k', (byte) 0xC3, (byte) 0x28});
        input.pipeInput((byte[]) null, utf8("no key, so no id"));
        input.pipeInput((byte[]) null, (byte[]) null);
        pipeText("good", "After all that, a good text.");
        List<TestRecord<byte[], byte[]>> dead = deadLetters.readRecordsToList();
        List<String> reasons = dead.stream().map(r -> header(r.headers(), DeadLetters.ERROR)).toList();
        assertEquals(List.of("BLANK_TEXT", "TEXT_TOO_LARGE", "INVALID_UTF8", "MISSING_ID", "MISSING_ID"), reasons);
        TestRecord<byte[], byte[]> first = dead.get(0);
        assertEquals("blank", new String(first.key(), StandardCharsets.UTF_8), "the original key is kept");
        assertEquals("   ", new String(first.value(), StandardCharsets.UTF_8), "the original value is kept");
        assertEquals("semstream.texts", header(first.headers(), DeadLetters.SOURCE_TOPIC));
        assertEquals("0", header(first.headers(), DeadLetters.SOURCE_PARTITION));
        assertEquals("0", header(first.headers(), DeadLetters.SOURCE_OFFSET));
        assertTrue(header(dead.get(1).headers(), DeadLetters.MESSAGE).contains("limit of 100"));
        assertEquals("1", header(dead.get(1).headers(), DeadLetters.SOURCE_OFFSET));
        assertEquals("good", embeddings.readRecordsToList().get(0).key());
    }

    @Test
    void aRecordWhoseDeadLetterWouldNotFitARecordIsDeadLetteredTruncatedAndTheStreamGoesOn() {
        start(config(InputFormat.TEXT, 1));
        byte[] poisonPill = utf8("w".repeat(1_048_400)); // issue 11 row 1: ~1 MiB, which a topic may still take
        input.pipeInput(utf8("pp-1"), poisonPill);
        pipeText("good", "A good text after the poison pill.");
        TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
        // What the producer checks against max.request.size before it sends (an internal class: the exact rule).
        int size = AbstractRecords.estimateSizeInBytesUpperBound(RecordBatch.CURRENT_MAGIC_VALUE, CompressionType.NONE,
                dead.key(), dead.value(), dead.headers().toArray());
        assertTrue(size <= RecordLimits.MAX_RECORD_BYTES, "the dead letter fits a record: " + size + " bytes");
        assertEquals("RECORD_TOO_LARGE", header(dead.headers(), DeadLetters.ERROR));
        assertEquals("true", header(dead.headers(), DeadLetters.TRUNCATED));
        assertTrue(header(dead.headers(), DeadLetters.TRUNCATED_REASON).contains("record limit"));
        assertEquals("1048400", header(dead.headers(), DeadLetters.ORIGINAL_VALUE_BYTES));
        assertEquals("4", header(dead.headers(), DeadLetters.ORIGINAL_KEY_BYTES));
        assertEquals("pp-1", new String(dead.key(), StandardCharsets.UTF_8), "the id is kept whole");
        assertTrue(dead.value().length > 1_000_000, "most of the value is kept: " + dead.value().length);
        assertArrayEquals(Arrays.copyOf(poisonPill, dead.value().length), dead.value(), "a prefix of the original");
        assertEquals(List.of("good"), embeddings.readRecordsToList().stream().map(TestRecord::key).toList());
    }

    @Test
    void recordsNeedingTheRegistryWhileItIsDownAreHeldInOrderAndDecodedOnceItAnswers() {
        AtomicBoolean registryUp = new AtomicBoolean(false);
        Deserializer<TextEvent> avro = (topic, bytes) -> {
            if (!registryUp.get()) {
                throw new SerializationException("cannot fetch schema id 7", new SchemaRegistryException(
                        "http://registry", 503, 50301, "unavailable"));
            }
            String[] idAndText = new String(bytes, StandardCharsets.UTF_8).split("\\|", 2);
            return TextEvent.newBuilder().setId(idAndText[0]).setText(idAndText[1]).setMetadata(Map.of())
                    .setEventTime(null).build();
        };
        start(config(InputFormat.AVRO, 1), EncodingQueue.inline(encoder), avro);
        input.pipeInput(utf8("h-1"), utf8("h-1|The first version, sent while the registry is down."));
        input.pipeInput(utf8("h-1"), utf8("h-1|The second version, which must win."));
        input.pipeInput((byte[]) null, utf8("h-2|Another text, without a key."));
        driver.advanceWallClockTime(DecodeProcessor.RETRY_INTERVAL.multipliedBy(3));
        assertEquals(0, embeddings.getQueueSize(), "nothing is decoded while the registry is down");
        assertEquals(0, deadLetters.getQueueSize(), "and nothing is the records' fault");
        registryUp.set(true);
        driver.advanceWallClockTime(DecodeProcessor.RETRY_INTERVAL);
        driver.advanceWallClockTime(Duration.ofMillis(60));
        List<String> out = embeddings.readRecordsToList().stream().map(r -> r.key() + ": " + r.value().getText())
                .toList();
        assertEquals(List.of("h-1: The first version, sent while the registry is down.",
                "h-1: The second version, which must win.", "h-2: Another text, without a key."), out, "in order");
        assertEquals("The second version, which must win.", stored("h-1").getText());
        KeyValueStore<Long, Object> held = driver.getKeyValueStore(EmbedderConfig.HELD_STORE);
        try (var all = held.all()) {
            assertTrue(!all.hasNext(), "nothing is held any more");
        }
    }

    @Test
    void malformedJsonIsADeadLetter() {
        start(config(InputFormat.JSON, 1));
        input.pipeInput(utf8("k"), utf8("{\"id\": \"x\", \"text\": "));
        input.pipeInput(utf8("k"), utf8("[1, 2]"));
        input.pipeInput(utf8("k"), utf8("{\"id\": \"x\", \"text\": 5}"));
        List<String> reasons = deadLetters.readRecordsToList().stream()
                .map(r -> header(r.headers(), DeadLetters.ERROR)).toList();
        assertEquals(List.of("UNDECODABLE", "UNDECODABLE", "UNDECODABLE"), reasons);
        assertEquals(0, embeddings.getQueueSize());
    }

    @Test
    void theMetricsCountTextsBatchesStagesDeadLettersAndThePartitionsIndex() {
        metrics.watch(indexes);
        start(config(InputFormat.TEXT, 2));
        pipeText("m-1", "Metrics count what the embedder did.");
        pipeText("blank", "   ");
        pipeText("m-2", "A second text fills the batch of two.");
        pipeText("m-3", "The third waits for the flush interval.");
        driver.advanceWallClockTime(Duration.ofMillis(60));
        assertEquals(3, embeddings.readRecordsToList().size());

        ScrapedSeries scrape = new ScrapedSeries(metrics.scrape());
        assertEquals(3.0, scrape.value("semstream_texts_embedded_total").orElseThrow(), scrape::toString);
        assertEquals(1.0, scrape.value("semstream_dead_letters_total", "reason", "BLANK_TEXT").orElseThrow());
        assertEquals(0.0, scrape.value("semstream_dead_letters_total", "reason", "UNDECODABLE").orElseThrow(),
                "a reason that has not happened is a 0, not a missing series");
        assertEquals(2.0, scrape.value("semstream_batch_size_count").orElseThrow(), "a full batch of 2, then 1");
        assertEquals(3.0, scrape.value("semstream_batch_size_sum").orElseThrow());
        assertEquals(1.0, scrape.value("semstream_batch_size_bucket", "le", "1.0").orElseThrow());
        assertEquals(3.0, scrape.value("semstream_stage_seconds_count", "stage", "decode").orElseThrow(),
                "the records that decoded");
        for (String stage : List.of("tokenize", "encode", "emit")) {
            assertEquals(2.0, scrape.value("semstream_stage_seconds_count", "stage", stage).orElseThrow(), stage);
        }
        assertEquals(3.0, scrape.value("semstream_event_to_embedding_seconds_count").orElseThrow());
        assertEquals(3.0, scrape.value("semstream_index_vectors", "partition", "0").orElseThrow());
        assertEquals(0.0, scrape.value("semstream_index_graph_levels", "partition", "0").orElseThrow(),
                "three vectors are searched exactly");
    }

    @Test
    void theRenderedTopologyInTopologyFolderIsCurrent() throws Exception {
        RenderedTopology.assertCurrent(EmbedderTopology.build(EmbedderConfig.defaults(), encoder, (t, b) -> null,
                new AvroBinarySerde<>(Embedding.class)), "embedder.txt", getClass());
    }

    static String header(Headers headers, String name) {
        Header h = headers.lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    static byte[] utf8(String s) {
        return EmbedderTestDriver.utf8(s);
    }
}
