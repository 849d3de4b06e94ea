package dev.semstream.app;

import dev.semstream.avro.Embedding;
import dev.semstream.avro.TextEvent;
import dev.semstream.model.Encoder;
import dev.semstream.model.EncoderOptions;
import dev.semstream.model.TextVector;
import dev.semstream.model.load.EncoderModels;
import dev.semstream.reference.TextCorpus;
import dev.semstream.registry.AvroDeserializer;
import dev.semstream.registry.AvroSerializer;
import dev.semstream.topology.DeadLetters;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the streaming embedder must do on a real broker and a real Schema Registry, Avro in and out,
 * exactly once. Subclasses say which broker and registry: the embedded default, or containers.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class EmbedderPipelineContract {
    static final Duration DEADLINE = Duration.ofMinutes(3);

    @TempDir
    static Path dataDir;
    static Encoder encoder;
    static Pipeline app;
    static Map<String, Object> clientProps;
    static String texts;
    static String embeddings;
    static String deadLetters;

    /** Starts the embedder with {@code settings} (commit interval shortened for the test) and waits for it. */
    static void startApp(AppSettings settings) throws Exception {
        encoder = EncoderModels.encoder(null, EncoderOptions.defaults());
        app = started(settings, encoder);
        clientProps = new HashMap<>();
        clientProps.put("bootstrap.servers", app.endpoints().bootstrapServers());
        clientProps.put("schema.registry.url", app.endpoints().schemaRegistryUrl());
        texts = app.topics().name("texts");
        embeddings = app.topics().name("embeddings");
        deadLetters = app.topics().name("dlq");
    }

    /** A pipeline with {@code settings} (commit interval shortened for a test), once it is running. */
    static Pipeline started(AppSettings settings, Encoder encoder) throws Exception {
        return RunningPipeline.start(settings, encoder);
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
            app = null;
        }
    }

    @Test
    @Order(1)
    void fiveHundredTextsInFiveHundredEmbeddingsOutEqualToTheEncodersOwn() throws Exception {
        List<String> corpus = TextCorpus.spread(500L, 500, 120);
        Map<String, String> byId = new LinkedHashMap<>();
        for (int i = 0; i < corpus.size(); i++) {
            // Texts of the spread start empty; an empty text is a dead letter, tested below.
            byId.put(String.format("t-%03d", i), corpus.get(i).isBlank() ? "empty start " + i : corpus.get(i));
        }
        produce(byId);
        Map<String, Embedding> out = readEmbeddings(m -> m.size() >= 500);
        assertEquals(500, out.size());
        List<String> ids = new ArrayList<>(byId.keySet());
        List<TextVector> expected = encoder.embed(new ArrayList<>(byId.values()));
        ReadOnlyKeyValueStore<String, Embedding> store = app.vectorStore();
        for (int i = 0; i < ids.size(); i++) {
            Embedding e = out.get(ids.get(i));
            assertNotNull(e, ids.get(i));
            assertEquals(encoder.modelId(), e.getModelId());
            float[] want = expected.get(i).vector();
            for (int d = 0; d < want.length; d++) {
                assertEquals(want[d], e.getVector().get(d), 1e-5, ids.get(i) + "[" + d + "]");
            }
            assertEquals(e, store.get(ids.get(i)), "the interactive query answers what was emitted");
        }
    }

    @Test
    @Order(2)
    void tombstonesDeleteFromTheStoreAndAreForwarded() throws Exception {
        try (KafkaProducer<String, byte[]> producer = producer()) {
            for (String id : List.of("t-001", "t-002")) {
                producer.send(new ProducerRecord<>(texts, id, null)).get();
            }
        }
        Map<String, Boolean> deleted = new HashMap<>();
        readAll(embeddings, r -> {
            if (r.value() == null) {
                deleted.put(r.key(), true);
            }
        }, () -> deleted.size() >= 2);
        waitFor(() -> app.vectorStore().get("t-001") == null && app.vectorStore().get("t-002") == null);
        assertNull(app.vectorStore().get("t-001"));
        assertNotNull(app.vectorStore().get("t-003"));
    }

    @Test
    @Order(3)
    void undecodableRecordsGoToTheDeadLetterTopicAndTheStreamGoesOn() throws Exception {
        try (KafkaProducer<String, byte[]> producer = producer()) {
            producer.send(new ProducerRecord<>(texts, "junk", "not avro at all".getBytes(StandardCharsets.UTF_8))).get();
            producer.send(new ProducerRecord<>(texts, "unknown-id", new byte[]{0, 0x7f, 0x7f, 0x7f, 0x7f, 2, 'a'})).get();
        }
        produce(Map.of("after-junk", "A good text after the bad ones."));
        List<ConsumerRecord<byte[], byte[]>> dead = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps(), new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            poll(consumer, deadLetters, dead::add, () -> dead.size() >= 2);
        }
        assertEquals("UNDECODABLE", header(dead.get(0), DeadLetters.ERROR));
        assertEquals(texts, header(dead.get(0), DeadLetters.SOURCE_TOPIC));
        assertEquals("not avro at all", new String(dead.get(0).value(), StandardCharsets.UTF_8));
        assertEquals("UNKNOWN_SCHEMA", header(dead.get(1), DeadLetters.ERROR), header(dead.get(1), DeadLetters.MESSAGE));
        waitFor(() -> app.vectorStore().get("after-junk") != null);
    }

    @Test
    @Order(4)
    void theCliProducesAndConsumesAgainstTheRunningPipeline() throws Exception {
        String[] cluster = {"--bootstrap-servers", app.endpoints().bootstrapServers(),
                "--schema-registry-url", app.endpoints().schemaRegistryUrl()};
        String text = "Produced from the command line: cosine similarity of two sentences.";
        Cli.Run produced = Cli.run(concat(new String[]{"produce"}, cluster, new String[]{text}));
        assertEquals(0, produced.exit(), produced.err());
        String id = produced.out().strip();
        assertEquals(16, id.length(), "one content-hash id on stdout: " + id);
        waitFor(() -> app.vectorStore().get(id) != null);
        assertEquals(text, app.vectorStore().get(id).getText());

        Cli.Run fromStdin = Cli.runWithStdin("First line from stdin.\n\n{\"id\":\"json-1\",\"text\":\"A JSON line.\"}\n",
                concat(new String[]{"produce"}, cluster));
        assertEquals(0, fromStdin.exit(), fromStdin.err());
        List<String> ids = fromStdin.out().lines().toList();
        assertEquals(2, ids.size(), "blank lines are skipped: " + ids);
        assertEquals("json-1", ids.get(1), "a JSON line keeps its id");
        waitFor(() -> app.vectorStore().get("json-1") != null);

        Cli.Run consumed = Cli.run(concat(new String[]{"consume", "--idle-timeout", "3"}, cluster));
        assertEquals(0, consumed.exit(), consumed.err());
        String line = consumed.out().lines().filter(l -> l.startsWith(id + "\t"))
                .findFirst().orElseThrow(() -> new AssertionError("consume did not print " + id));
        assertTrue(line.contains(encoder.modelId() + "\t384\t["), line);
    }

    static String[] concat(String[]... parts) {
        return java.util.Arrays.stream(parts).flatMap(java.util.Arrays::stream).toArray(String[]::new);
    }

    static void produce(Map<String, String> byId) throws Exception {
        try (AvroSerializer<TextEvent> avro = new AvroSerializer<>();
             KafkaProducer<String, byte[]> producer = producer()) {
            avro.configure(clientProps, false);
            for (Map.Entry<String, String> e : byId.entrySet()) {
                TextEvent event = TextEvent.newBuilder().setId(e.getKey()).setText(e.getValue())
                        .setMetadata(Map.of("source", "it")).setEventTime(Instant.now()).build();
                producer.send(new ProducerRecord<>(texts, e.getKey(), avro.serialize(texts, event)));
            }
            producer.flush();
        }
    }

    static KafkaProducer<String, byte[]> producer() {
        Map<String, Object> p = new HashMap<>(clientProps);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    static Map<String, Object> consumerProps() {
        Map<String, Object> p = new HashMap<>(clientProps);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return p;
    }

    /** Latest embedding per id on the embeddings topic, read committed, until {@code done}. */
    static Map<String, Embedding> readEmbeddings(Predicate<Map<String, Embedding>> done) {
        Map<String, Embedding> latest = new HashMap<>();
        readAll(embeddings, r -> latest.put(r.key(), r.value()), () -> done.test(latest));
        return latest;
    }

    static void readAll(String topic, java.util.function.Consumer<ConsumerRecord<String, Embedding>> sink,
                        java.util.function.BooleanSupplier done) {
        try (AvroDeserializer<Embedding> values = new AvroDeserializer<>()) {
            Map<String, Object> config = new HashMap<>(clientProps);
            config.put("specific.avro.value.type", Embedding.class);
            values.configure(config, false);
            try (KafkaConsumer<String, Embedding> consumer = new KafkaConsumer<>(consumerProps(),
                    new StringDeserializer(), values)) {
                poll(consumer, topic, sink, done);
            }
        }
    }

    static <K, V> void poll(KafkaConsumer<K, V> consumer, String topic,
                            java.util.function.Consumer<ConsumerRecord<K, V>> sink,
                            java.util.function.BooleanSupplier done) {
        List<TopicPartition> parts = consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(parts);
        consumer.seekToBeginning(parts);
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!done.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out reading " + topic);
            consumer.poll(Duration.ofMillis(200)).forEach(sink);
        }
    }

    static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "condition not met in time");
            Thread.sleep(50); // polling a condition with a deadline
        }
    }

    static String header(ConsumerRecord<?, ?> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
