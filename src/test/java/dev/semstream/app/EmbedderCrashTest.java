package dev.semstream.app;

import dev.semstream.avro.Embedding;
import dev.semstream.avro.TextEvent;
import dev.semstream.embedded.CommittedRecords;
import dev.semstream.embedded.EmbeddedKafka;
import dev.semstream.embedded.EmbeddedSchemaRegistry;
import dev.semstream.embedded.Eventually;
import dev.semstream.reference.TextCorpus;
import dev.semstream.registry.AvroSerializer;
import dev.semstream.topology.EmbedderConfig;
import dev.semstream.topology.TopicDefinitions;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Exactly once across a crash: the embedder runs as a child JVM ({@code semstream run} against this
 * test's broker and registry), is killed with SIGKILL in the middle of a backlog, and is started again
 * on the same state directory. Every id must then appear exactly once on the embeddings topic and in
 * the vector store's changelog, read committed.
 */
class EmbedderCrashTest {
    static final int TEXTS = 1000;
    static final Duration DEADLINE = Duration.ofMinutes(4);

    @TempDir
    static Path dir;
    static EmbeddedKafka kafka;
    static EmbeddedSchemaRegistry registry;
    static TopicDefinitions topics;
    static Map<String, Object> clientProps;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.start(dir.resolve("kafka"));
        registry = EmbeddedSchemaRegistry.start(dir.resolve("registry"), Duration.ofMinutes(2));
        topics = TopicDefinitions.load();
        clientProps = new HashMap<>();
        clientProps.put("bootstrap.servers", kafka.bootstrapServers());
        clientProps.put("schema.registry.url", registry.url());
        try (Admin admin = Admin.create(clientProps)) {
            topics.ensureTopics(admin);
        }
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void aKilledEmbedderRestartsWithoutLosingOrDoublingAnyText() throws Exception {
        produceBacklog();
        Process first = startEmbedder("first");
        try {
            // Kill once some batches are committed and most of the backlog is still ahead.
            waitForCommittedEmbeddings(50);
        } finally {
            first.destroyForcibly(); // SIGKILL: no shutdown hook, no clean close, open transaction
            first.waitFor(1, TimeUnit.MINUTES);
        }
        Map<String, Integer> afterKill = countCommitted(topics.name("embeddings"));
        assertTrue(afterKill.size() < TEXTS, "the kill came too late to be mid-stream: " + afterKill.size());
        System.out.println("crash test: SIGKILL after " + afterKill.size() + " of " + TEXTS + " embeddings committed");

        Process second = startEmbedder("second");
        try {
            waitForCommittedEmbeddings(TEXTS);
        } finally {
            second.destroy(); // a clean stop, so nothing is in flight while we count
            second.waitFor(1, TimeUnit.MINUTES);
        }
        Map<String, Integer> embeddings = countCommitted(topics.name("embeddings"));
        assertEquals(TEXTS, embeddings.size(), "every id embedded");
        embeddings.forEach((id, n) -> assertEquals(1, n, id + " appears " + n + " times on the embeddings topic"));
        Map<String, Integer> store = countCommitted(AppSettings.DEFAULT_APPLICATION_ID + "-" + EmbedderConfig.VECTOR_STORE
                + "-changelog");
        assertEquals(TEXTS, store.size(), "every id in the vector store");
        store.forEach((id, n) -> assertEquals(1, n, id + " was written " + n + " times to the vector store"));
    }

    static void produceBacklog() throws Exception {
        List<String> texts = TextCorpus.texts(42L, TEXTS, 30);
        String topic = topics.name("texts");
        Map<String, Object> p = new HashMap<>(clientProps);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (AvroSerializer<TextEvent> avro = new AvroSerializer<>();
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(),
                     new ByteArraySerializer())) {
            avro.configure(clientProps, false);
            for (int i = 0; i < TEXTS; i++) {
                String id = String.format("c-%04d", i);
                TextEvent e = TextEvent.newBuilder().setId(id).setText(texts.get(i)).setMetadata(Map.of())
                        .setEventTime(Instant.now()).build();
                producer.send(new ProducerRecord<>(topic, id, avro.serialize(topic, e)));
            }
            producer.flush();
        }
    }

    /** {@code semstream run} in a child JVM with this JVM's classpath, against this test's cluster. */
    static Process startEmbedder(String name) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector", "-Xmx2g",
                "-cp", System.getProperty("java.class.path"), "dev.semstream.cli.Main", "run",
                "--bootstrap-servers", kafka.bootstrapServers(), "--schema-registry-url", registry.url(),
                "--data-dir", dir.resolve("embedder").toString(), "--batch-size", "16"));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("SEMSTREAM_KAFKA_COMMIT_INTERVAL_MS", "100");
        File log = dir.resolve("embedder-" + name + ".log").toFile();
        pb.redirectErrorStream(true).redirectOutput(log);
        Process process = pb.start();
        assertTrue(process.isAlive(), () -> "the embedder did not start: " + read(log));
        return process;
    }

    static void waitForCommittedEmbeddings(int atLeast) {
        try (CommittedRecords embeddings = new CommittedRecords(bootstrapServers(), topics.name("embeddings"))) {
            Eventually.await(DEADLINE, "at least " + atLeast + " embeddings committed", () -> {
                embeddings.poll();
                return embeddings.keyCounts().size() >= atLeast;
            });
        }
    }

    /** How often each key occurs on a topic, reading committed records up to the current end. */
    static Map<String, Integer> countCommitted(String topic) {
        try (CommittedRecords records = new CommittedRecords(bootstrapServers(), topic)) {
            records.readToEnd(Duration.ofMinutes(1));
            return records.keyCounts();
        }
    }

    static String bootstrapServers() {
        return (String) clientProps.get("bootstrap.servers");
    }

    static String read(File f) {
        try {
            return Files.readString(f.toPath());
        } catch (Exception e) {
            return "(no log)";
        }
    }
}
