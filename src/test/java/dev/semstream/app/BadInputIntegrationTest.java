package dev.semstream.app;

import dev.semstream.avro.Embedding;
import dev.semstream.avro.TextEvent;
import dev.semstream.embedded.EmbeddedKafka;
import dev.semstream.embedded.EmbeddedSchemaRegistry;
import dev.semstream.embedded.Eventually;
import dev.semstream.model.EncoderOptions;
import dev.semstream.model.load.EncoderModels;
import dev.semstream.registry.AvroSerializer;
import dev.semstream.topology.DeadLetters;
import dev.semstream.topology.EmbedderConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.semstream.app.EmbedderPipelineContract.consumerProps;
import static dev.semstream.app.EmbedderPipelineContract.header;
import static dev.semstream.app.EmbedderPipelineContract.poll;
import static dev.semstream.app.EmbedderPipelineContract.produce;
import static dev.semstream.app.EmbedderPipelineContract.producer;
import static dev.semstream.app.EmbedderPipelineContract.started;
import static dev.semstream.app.EmbedderPipelineContract.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 11's bad input on a real broker and registry, one pipeline throughout: a poison pill of ~1 MiB, a
 * text keyed by nothing, a record that needs the registry while it is unreachable. After each the pipeline
 * is still running and the next good text is embedded. The registry sits behind a {@link TcpRelay}, so
 * the test can make it unreachable and bring it back on the same port, the registry keeping its schemas.
 * The contract's helpers read its static fields, which this class sets for its own pipeline.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BadInputIntegrationTest {
    static final Duration WAIT = Duration.ofMinutes(2);
    @TempDir
    static Path dir;
    static EmbeddedKafka kafka;
    static EmbeddedSchemaRegistry registry;
    static TcpRelay relay;
    static Pipeline app;
    static String texts;
    static String deadLetters;

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafka.start(dir.resolve("kafka"));
        registry = EmbeddedSchemaRegistry.start(dir.resolve("registry"), Duration.ofMinutes(2));
        URI direct = URI.create(registry.url());
        relay = TcpRelay.to(direct.getPort());
        String relayed = "http://127.0.0.1:" + relay.port() + direct.getPath();
        app = started(AppSettings.embedded(dir.resolve("app")).withCluster(kafka.bootstrapServers(), relayed),
                EncoderModels.encoder(null, EncoderOptions.defaults()));
        EmbedderPipelineContract.app = app;
        EmbedderPipelineContract.clientProps = new HashMap<>(Map.of("bootstrap.servers", kafka.bootstrapServers(),
                "schema.registry.url", registry.url()));
        EmbedderPipelineContract.texts = texts = app.topics().name("texts");
        EmbedderPipelineContract.deadLetters = deadLetters = app.topics().name("dlq");
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
            EmbedderPipelineContract.app = null;
        }
        if (relay != null) {
            relay.close();
        }
        if (registry != null) {
            registry.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    @Order(10)
    void aOneMebibyteTextIsDeadLetteredTruncatedAndTheNextTextIsEmbedded() throws Exception {
        send("pp-1", event("pp-1", "w".repeat(1_048_400))); // issue 11 row 1, as POST /texts wrote it
        produce(Map.of("after-pp", "A good text after the poison pill."));
        waitFor(() -> app.vectorStore().get("after-pp") != null);
        assertRunning();
        ConsumerRecord<byte[], byte[]> dead = deadLetter("pp-1");
        assertEquals("RECORD_TOO_LARGE", header(dead, DeadLetters.ERROR));
        assertEquals("true", header(dead, DeadLetters.TRUNCATED));
    }

    @Test
    @Order(20)
    void aTextWithoutAKeyLivesInThePartitionOfItsIdSoUpdatesReplaceItAndDeletesDeleteIt() throws Exception {
        int ofId = Utils.toPositive(Utils.murmur2("n-1".getBytes(StandardCharsets.UTF_8))) % 6;
        try (KafkaProducer<String, byte[]> producer = producer()) {
            // Null key, and a partition that is not its id's: where a producer without keys may put it.
            producer.send(new ProducerRecord<>(texts, (ofId + 1) % 6, null, avro(event("n-1", "The first version."))))
                    .get();
        }
        waitFor(() -> copies("n-1").size() == 1);
        send("n-1", event("n-1", "The keyed update."));
        waitFor(() -> copies("n-1").contains("The keyed update."));
        assertEquals(List.of("The keyed update."), copies("n-1"), "one vector for one id");
        send("n-1", null);
        waitFor(() -> app.vectorStore().get("n-1") == null);
        assertEquals(List.of(), copies("n-1"), "deleted everywhere");
        assertRunning();
    }

    @Test
    @Order(30)
    void aRecordNeedingTheRegistryWhileItIsDownWaitsForItAndTheStreamKeepsRunning() throws Exception {
        relay.stop();
        try {
            // Issue 11 row 3: magic byte 0, schema id 99990 (never cached, unknown to the registry), Avro bytes.
            send("uncached", new byte[]{0, 0, 1, (byte) 0x86, (byte) 0x96, 2, 'A', 'B'});
            send("after-outage", event("after-outage", "A good text sent while the registry is down."));
            Eventually.await(WAIT, "the records are held", () -> committedCount(AppSettings.DEFAULT_APPLICATION_ID
                    + "-" + EmbedderConfig.HELD_STORE + "-changelog") >= 2);
            assertRunning();
            assertNull(app.vectorStore().get("after-outage"), "held, not decoded, while the registry is down");
        } finally {
            relay.start();
        }
        waitFor(() -> app.vectorStore().get("after-outage") != null);
        assertEquals("UNKNOWN_SCHEMA", header(deadLetter("uncached"), DeadLetters.ERROR),
                "an id the registry, once up, does not know is the record's fault");
        assertRunning();
    }

    static void assertRunning() throws InterruptedException {
        assertNull(app.failure(), "no stream thread died");
        app.awaitRunning(WAIT);
    }

    static TextEvent event(String id, String text) {
        return TextEvent.newBuilder().setId(id).setText(text).setMetadata(Map.of()).setEventTime(Instant.now())
                .build();
    }

    static void send(String key, Object value) throws Exception {
        byte[] bytes = value instanceof TextEvent e ? avro(e) : (byte[]) value;
        try (KafkaProducer<String, byte[]> producer = producer()) {
            producer.send(new ProducerRecord<>(texts, key, bytes)).get();
        }
    }

    static byte[] avro(TextEvent e) {
        try (AvroSerializer<TextEvent> avro = new AvroSerializer<>()) {
            avro.configure(EmbedderPipelineContract.clientProps, false);
            return avro.serialize(texts, e);
        }
    }

    /** The texts the vector store holds for {@code id}, over every partition. */
    static List<String> copies(String id) {
        List<String> found = new ArrayList<>();
        try (KeyValueIterator<String, Embedding> all = app.vectorStore().all()) {
            all.forEachRemaining(kv -> {
                if (kv.key.equals(id)) {
                    found.add(kv.value.getText());
                }
            });
        }
        return found;
    }

    static ConsumerRecord<byte[], byte[]> deadLetter(String key) {
        List<ConsumerRecord<byte[], byte[]>> found = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps(), new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            poll(consumer, deadLetters, r -> {
                if (r.key() != null && key.equals(new String(r.key(), StandardCharsets.UTF_8))) {
                    found.add(r);
                }
            }, () -> !found.isEmpty());
        }
        return found.get(0);
    }

    static int committedCount(String topic) {
        int[] n = {0};
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps(), new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            if (consumer.partitionsFor(topic).isEmpty()) {
                return 0;
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            poll(consumer, topic, r -> n[0]++, () -> System.nanoTime() > deadline);
        }
        return n[0];
    }
}
