package dev.semstream.reliability;

import dev.semstream.embedded.CommittedRecords;

import dev.semstream.app.AppSettings;
import dev.semstream.app.Pipeline;
import dev.semstream.app.RunningPipeline;
import dev.semstream.avro.TextEvent;
import dev.semstream.embedded.Eventually;
import dev.semstream.reference.TextCorpus;
import dev.semstream.registry.AvroSerializer;
import dev.semstream.topology.EmbedderConfig;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 11's registry killed mid-stream, on the embedded default: while the embedder works through a backlog, the
 * registry child gets SIGKILL; records whose schema ids the embedder has not looked up yet arrive while it is
 * down. They must be held, not dead-lettered or dropped, and embedded once the supervisor has the registry back
 * on its port and H2 file: every id exactly once, read committed, and the stream never stopped.
 */
@Timeout(value = 12, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RegistryKilledMidStreamTest {
    static final int TEXTS = 400;
    /** Sent before the kill, in TextEvent's own schema, which the embedder looks up and caches. */
    static final int BEFORE_KILL = 150;
    /** Later versions of TextEvent, registered before the kill but first seen by the embedder after it. */
    static final int LATER_VERSIONS = 3;
    /** The supervisor's restart on a loaded machine takes about a minute; the rest is the backlog. */
    static final Duration DEADLINE = Duration.ofMinutes(6);
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path dir;

    /**
     * A TextEvent in a later version of its schema. The project's serializer writes SpecificRecords; a generic
     * record that says it is one lets that one serializer register and write the later versions too.
     */
    static final class LaterTextEvent extends GenericData.Record implements SpecificRecord {
        LaterTextEvent(Schema schema) {
            super(schema);
        }
    }

    @Test
    void everyTextIsEmbeddedOnceAcrossASigkilledRegistryAndTheStreamNeverStops() throws Exception {
        try (Pipeline app = EmbeddedDefault.start(dir);
             Admin admin = EmbeddedDefault.admin(app);
             CommittedRecords embeddings = new CommittedRecords(app.endpoints().bootstrapServers(),
                     app.topics().name("embeddings"))) {
            String texts = app.topics().name("texts");
            Map<String, byte[]> backlog = backlog(texts, EmbeddedDefault.registryProps(app));
            List<Integer> laterIds = new ArrayList<>();
            backlog.values().stream().skip(BEFORE_KILL).limit(LATER_VERSIONS + 1)
                    .map(v -> ByteBuffer.wrap(v, 1, 4).getInt()).forEach(laterIds::add);
            assertEquals(LATER_VERSIONS + 1, new HashSet<>(laterIds).size(), "one schema id per version: " + laterIds);

            CountDownLatch killed = new CountDownLatch(1);
            CompletableFuture<Void> producing = CompletableFuture.runAsync(() -> produce(app, texts, backlog, killed));

            // Mid-stream: the embedder has committed some of the backlog and has the rest still to do.
            Eventually.await(RunningPipeline.STARTUP, "the first embeddings", () -> embeddings.poll().size() >= 20);
            long pid = registryPid();
            ProcessHandle registry = ProcessHandle.of(pid).orElseThrow();
            registry.destroyForcibly(); // SIGKILL on Linux: no shutdown of any kind
            registry.onExit().get(30, TimeUnit.SECONDS);
            long killedAt = System.nanoTime();
            int embeddedAtKill = embeddings.poll().size();
            killed.countDown();

            long[] backAt = {0};
            long[] allAt = {0};
            Map<String, Integer> counts = new LinkedHashMap<>();
            try {
                Eventually.await(DEADLINE, "every text embedded and the registry back", () -> {
                    assertNull(app.failure(), "the stream stopped");
                    if (backAt[0] == 0 && registryPid() != pid && answers(app, laterIds.get(LATER_VERSIONS))) {
                        backAt[0] = System.nanoTime();
                    }
                    embeddings.poll();
                    if (allAt[0] == 0 && embeddings.keyCounts().keySet().containsAll(backlog.keySet())) {
                        allAt[0] = System.nanoTime();
                    }
                    return backAt[0] != 0 && allAt[0] != 0 && producing.isDone() && EmbeddedDefault.consumedAll(admin, texts);
                });
            } finally {
                counts.putAll(embeddings.keyCounts());
                long once = backlog.keySet().stream().filter(id -> counts.getOrDefault(id, 0) == 1).count();
                long lost = backlog.keySet().stream().filter(id -> !counts.containsKey(id)).count();
                long duplicated = counts.values().stream().mapToLong(n -> n - 1).sum();
                System.out.printf("registry killed mid-stream: sent %d, embedded %d once each, lost %d, duplicated %d; "
                                + "registry back after %s; all embedded after %s (%d of them before the kill)%n",
                        backlog.size(), once, lost, duplicated, seconds(killedAt, backAt[0]), seconds(killedAt, allAt[0]),
                        embeddedAtKill);
            }
            producing.get(); // its failure, if it had one
            Set<String> unexpected = new HashSet<>(counts.keySet());
            unexpected.removeAll(backlog.keySet());
            assertEquals(Set.of(), unexpected, "embedded though never sent");
            backlog.keySet().forEach(id -> assertEquals(1, counts.get(id), id + " embedded once"));
            assertTrue(embeddedAtKill < TEXTS, "the kill came mid-stream");
            try (CommittedRecords held = new CommittedRecords(app.endpoints().bootstrapServers(),
                    AppSettings.DEFAULT_APPLICATION_ID + "-" + EmbedderConfig.HELD_STORE + "-changelog")) {
                assertTrue(held.readToEnd(Duration.ofMinutes(1)).stream().anyMatch(r -> r.value() != null),
                        "records were held while the registry was down, so its outage was on their path");
            }
            assertNotEquals(pid, registryPid(), "a new registry process");
            assertNull(app.failure(), "the stream stopped");
            app.awaitRunning(Duration.ofSeconds(30));
        }
    }

    /**
     * Every text's value, serialized now, while the registry is up: the first {@link #BEFORE_KILL} in TextEvent's
     * schema, the rest in turn in that and {@link #LATER_VERSIONS} later versions, whose ids the embedder has not
     * seen and must fetch after the kill.
     */
    static Map<String, byte[]> backlog(String topic, Map<String, Object> registryProps) {
        List<String> corpus = TextCorpus.texts(7L, TEXTS, 20);
        List<Schema> later = new ArrayList<>();
        for (int v = 1; v <= LATER_VERSIONS; v++) {
            later.add(laterVersion(v));
        }
        Map<String, byte[]> values = new LinkedHashMap<>();
        try (AvroSerializer<SpecificRecord> avro = new AvroSerializer<>()) {
            avro.configure(registryProps, false);
            for (int i = 0; i < TEXTS; i++) {
                String id = String.format("r-%03d", i);
                int version = i < BEFORE_KILL ? 0 : (i - BEFORE_KILL) % (LATER_VERSIONS + 1);
                SpecificRecord event;
                if (version == 0) {
                    event = TextEvent.newBuilder().setId(id).setText(corpus.get(i)).setMetadata(Map.of())
                            .setEventTime(Instant.now()).build();
                } else {
                    LaterTextEvent e = new LaterTextEvent(later.get(version - 1));
                    e.put("id", id);
                    e.put("text", corpus.get(i));
                    e.put("metadata", Map.of());
                    e.put("eventTime", null);
                    e.put("source" + version, "reliability test");
                    event = e;
                }
                values.put(id, avro.serialize(topic, event));
            }
        }
        return values;
    }

    /** TextEvent with one more field, which has a default: backward compatible, so the registry takes it. */
    static Schema laterVersion(int version) {
        Schema current = TextEvent.getClassSchema();
        List<Schema.Field> fields = new ArrayList<>();
        current.getFields().forEach(f -> fields.add(new Schema.Field(f, f.schema())));
        fields.add(new Schema.Field("source" + version, Schema.create(Schema.Type.STRING),
                "where the text came from (version " + version + ")", "unknown"));
        return Schema.createRecord(current.getName(), current.getDoc(), current.getNamespace(), false, fields);
    }

    /** Sends the backlog keyed by id: the first part at once, the rest once the registry is dead. */
    static void produce(Pipeline app, String topic, Map<String, byte[]> backlog, CountDownLatch killed) {
        try (KafkaProducer<String, byte[]> producer = EmbeddedDefault.producer(app)) {
            int i = 0;
            for (Map.Entry<String, byte[]> e : backlog.entrySet()) {
                if (i++ == BEFORE_KILL) {
                    producer.flush();
                    if (!killed.await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
                        throw new AssertionError("the registry was not killed in time");
                    }
                }
                producer.send(new ProducerRecord<>(topic, e.getKey(), e.getValue()));
            }
            producer.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The registry child's pid, as its supervisor records it in the registry's work directory. */
    long registryPid() {
        try {
            return Long.parseLong(Files.readString(dir.resolve("registry").resolve("registry.pid")).strip());
        } catch (IOException | NumberFormatException betweenRestarts) {
            return -1;
        }
    }

    /** Whether the registry answers with the schema of {@code id}: the same id, after a restart, as before. */
    static boolean answers(Pipeline app, int id) {
        try {
            HttpRequest get = HttpRequest.newBuilder(URI.create(app.endpoints().schemaRegistryUrl() + "/schemas/ids/" + id))
                    .timeout(Duration.ofSeconds(2)).build();
            HttpResponse<String> answer = HTTP.send(get, HttpResponse.BodyHandlers.ofString());
            return answer.statusCode() == 200 && answer.body().contains("TextEvent");
        } catch (IOException notUp) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static String seconds(long from, long to) {
        return to == 0 ? "(never)" : String.format("%.1f s", (to - from) / 1e9);
    }
}
