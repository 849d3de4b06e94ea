package dev.semstream.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.semstream.avro.Embedding;
import dev.semstream.embedded.CommittedRecords;
import dev.semstream.embedded.Eventually;
import dev.semstream.model.Encoder;
import dev.semstream.model.EncoderOptions;
import dev.semstream.model.load.EncoderModels;
import dev.semstream.model.load.SmallEncoders;
import dev.semstream.registry.AvroDeserializer;
import dev.semstream.topology.ControlRecords;
import dev.semstream.topology.ControlTopic;
import dev.semstream.topology.EmbedderConfig;
import dev.semstream.topology.InputFormat;
import dev.semstream.topology.TopicDefinitions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Switching the encoder while the pipeline serves: two instances re-embed into a small checkpoint while
 * texts stream in and queries run, agree on the switch, and leave no text missing or doubled; a rebuild
 * stopped midway resumes.
 */
class ReembedIntegrationTest {
    static final Duration SWITCH = Duration.ofMinutes(3);
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static Encoder miniLm;
    static Path checkpoint;
    static String smallId;

    /** The cluster of the test's first instance (the embedded default), which the others join. */
    Endpoints cluster;

    @BeforeAll
    static void load() {
        miniLm = EncoderModels.encoder(null, EncoderOptions.defaults());
        checkpoint = SmallEncoders.checkpoint(dir.resolve("small-model"), 3);
        smallId = EncoderModels.named(checkpoint.toString(), EncoderOptions.defaults()).modelId();
    }

    /**
     * An instance of the pipeline: the first of a test is the embedded default (broker and registry in its data
     * directory, which a restart on the same directory keeps); the others join its cluster.
     */
    Pipeline startInstance(String prefix, String instance, boolean first) throws InterruptedException {
        AppSettings settings = new AppSettings(first ? null : cluster.bootstrapServers(),
                first ? null : cluster.schemaRegistryUrl(), dir.resolve(prefix + "-" + instance), null, Map.of(),
                Map.of("commit.interval.ms", 100), prefix + "-embedder", prefix, true,
                EmbedderConfig.defaults().withInputFormat(InputFormat.TEXT).withBatching(16, Duration.ofMillis(20)),
                "localhost", 0);
        Pipeline p = Pipeline.start(settings, miniLm, null, null, line -> { });
        try {
            p.awaitRunning(RunningPipeline.STARTUP);
        } catch (RuntimeException | InterruptedException e) {
            p.close();
            throw e;
        }
        if (first) {
            cluster = p.endpoints();
        }
        return p;
    }

    Map<String, Object> clientProps() {
        Map<String, Object> p = new HashMap<>();
        p.put("bootstrap.servers", cluster.bootstrapServers());
        p.put("schema.registry.url", cluster.schemaRegistryUrl());
        return p;
    }

    void produce(String topic, String from, int n, Duration pause) throws InterruptedException {
        Map<String, Object> p = clientProps();
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < n; i++) {
                String id = from + "-" + i;
                producer.send(new ProducerRecord<>(topic, id, "Text " + id + " about queries, keys and values."));
                if (!pause.isZero()) {
                    Thread.sleep(pause.toMillis());
                }
            }
            producer.flush();
        }
    }

    /** The embeddings topic, read committed: per model, how many vectors each id got. */
    Map<String, Map<String, Integer>> vectorsPerModel(String topic) {
        Map<String, Map<String, Integer>> out = new HashMap<>();
        try (AvroDeserializer<Embedding> values = new AvroDeserializer<>();
             CommittedRecords records = new CommittedRecords(cluster.bootstrapServers(), topic)) {
            Map<String, Object> config = new HashMap<>(clientProps());
            config.put("specific.avro.value.type", Embedding.class);
            values.configure(config, false);
            for (ConsumerRecord<byte[], byte[]> r : records.readToEnd(Duration.ofMinutes(1))) {
                if (r.value() != null) {
                    Embedding e = values.deserialize(topic, r.value());
                    out.computeIfAbsent(e.getModelId(), m -> new HashMap<>())
                            .merge(new String(r.key(), StandardCharsets.UTF_8), 1, Integer::sum);
                }
            }
        }
        return out;
    }

    int ids(String topic, String model) {
        return vectorsPerModel(topic).getOrDefault(model, Map.of()).size();
    }

    static long sinceOf(String activeRecord) {
        try {
            return JSON.readTree(activeRecord).get("since").asLong();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static HttpResponse<String> post(Pipeline p, String path, String body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(p.queryServer().orElseThrow().url() + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode get(Pipeline p, String path) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(p.queryServer().orElseThrow().url() + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), path + ": " + r.body());
        return JSON.readTree(r.body());
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void twoInstancesSwitchWhileTextsStreamAndQueriesRunWithNoTextMissingOrDoubled() throws Exception {
        String prefix = "switch";
        TopicDefinitions topics = TopicDefinitions.load(prefix);
        try (Pipeline a = startInstance(prefix, "a", true); Pipeline b = startInstance(prefix, "b", false)) {
            produce(topics.name("texts"), "before", 200, Duration.ZERO);
            Eventually.await(SWITCH, "the first texts embedded", () -> ids(topics.name("embeddings"), miniLm.modelId()) == 200);
            assertEquals(miniLm.modelId(), get(a, "/map").get("basis").get("modelId").asText(), "the map before the switch");

            AtomicBoolean stop = new AtomicBoolean();
            ConcurrentLinkedQueue<String> queryErrors = new ConcurrentLinkedQueue<>();
            AtomicInteger answered = new AtomicInteger();
            Thread queries = new Thread(() -> {
                while (!stop.get()) {
                    for (Pipeline p : List.of(a, b)) {
                        try {
                            HttpResponse<String> r = post(p, "/search", "{\"text\": \"keys and values\", \"k\": 5}");
                            if (r.statusCode() != 200) {
                                queryErrors.add(r.statusCode() + " " + r.body());
                            }
                            answered.incrementAndGet();
                        } catch (Exception e) {
                            queryErrors.add(e.toString());
                        }
                    }
                }
            }, "queries");
            queries.start();
            Thread during = new Thread(() -> {
                try {
                    produce(topics.name("texts"), "during", 300, Duration.ofMillis(5));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "texts");
            during.start();
            new ControlTopic(clientProps(), topics.name("control")).requestBuild(checkpoint.toString(),
                    topics.name("texts"), false, Duration.ofMinutes(10));
            Eventually.await(SWITCH, "both instances switched", () -> a.models().activeModelId().equals(smallId)
                    && b.models().activeModelId().equals(smallId));
            during.join();
            Eventually.await(SWITCH, "every text in the new model's vectors",
                    () -> ids(topics.name("embeddings"), smallId) == 500);
            stop.set(true);
            queries.join();

            assertTrue(queryErrors.isEmpty(), "no query failed through the switch: " + queryErrors);
            assertTrue(answered.get() > 0);
            Map<String, Map<String, Integer>> perModel = vectorsPerModel(topics.name("embeddings"));
            assertEquals(500, perModel.get(smallId).size(), "every text embedded by the new model");
            perModel.get(smallId).forEach((id, n) -> assertEquals(1, n, id + " embedded " + n + " times by the new model"));
            perModel.get(miniLm.modelId()).forEach((id, n) -> assertEquals(1, n, id + " embedded " + n + " times by the old one"));

            List<String> switches = new ArrayList<>();
            new ControlTopic(clientProps(), topics.name("control")).readAll((k, v) -> {
                if (k.equals(ControlRecords.ACTIVE) && v != null && v.contains(smallId)) {
                    switches.add(v);
                }
            });
            assertEquals(1, switches.size(), "one switch record, which both instances follow: " + switches);

            for (Pipeline p : List.of(a, b)) {
                JsonNode answer = JSON.readTree(post(p, "/search", "{\"text\": \"keys and values\", \"k\": 3}").body());
                assertEquals(smallId, answer.get("modelId").asText(), "answered by the new model after the switch");
                assertEquals(3, answer.get("hits").size());
            }
            // The console follows the switch: the map's axes are computed again from the new model's vectors, a
            // text is projected and tokenized by the new model.
            JsonNode map = get(a, "/map");
            assertEquals(smallId, map.get("basis").get("modelId").asText(), "the map is the new model's: " + map.get("basis"));
            assertTrue(map.get("count").asInt() > 0, "with the new model's vectors on it");
            HttpResponse<String> projected = post(a, "/map/project", "{\"text\": \"keys and values\"}");
            assertEquals(200, projected.statusCode(), projected.body());
            HttpResponse<String> tokens = post(b, "/inspect/tokens", "{\"text\": \"keys and values\"}");
            assertEquals(smallId, JSON.readTree(tokens.body()).get("encoder").get("modelId").asText(), tokens.body());

            HttpResponse<String> stale = post(a, "/search", "{\"vector\": [0.1, 0.2], \"modelId\": \"no-such-model@0\"}");
            assertEquals(409, stale.statusCode());
            assertTrue(stale.body().contains(smallId), "the 409 names the active model: " + stale.body());
        }
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void aRebuildStoppedMidwayResumesAndEmbedsNothingTwice() throws Exception {
        // A clean close, not a kill: EmbedderCrashTest kills a child JVM; here the backfill's in-memory cursor
        // is what is lost either way, and the restart must find what is left by scanning the store again.
        String prefix = "resume";
        TopicDefinitions topics = TopicDefinitions.load(prefix);
        try (Pipeline first = startInstance(prefix, "a", true)) {
            produce(topics.name("texts"), "t", 1000, Duration.ZERO);
            Eventually.await(SWITCH, "the texts embedded", () -> ids(topics.name("embeddings"), miniLm.modelId()) == 1000);
            new ControlTopic(clientProps(), topics.name("control")).requestBuild(checkpoint.toString(),
                    topics.name("texts"), false, Duration.ofMinutes(10));
            Eventually.await(SWITCH, "the rebuild under way", () -> ids(topics.name("embeddings"), smallId) > 0);
        }
        long restartedAt = System.currentTimeMillis();
        try (Pipeline second = startInstance(prefix, "a", true)) {
            Eventually.await(SWITCH, "the resumed rebuild switched", () -> second.models().activeModelId().equals(smallId));
            List<Long> switchedAt = new ArrayList<>();
            new ControlTopic(clientProps(), topics.name("control")).readAll((k, v) -> {
                if (k.equals(ControlRecords.ACTIVE) && v != null && v.contains(smallId)) {
                    switchedAt.add(sinceOf(v));
                }
            });
            assertEquals(1, switchedAt.size());
            assertTrue(switchedAt.get(0) >= restartedAt, "the switch came after the restart: the stop was mid-rebuild");
            Map<String, Integer> small = vectorsPerModel(topics.name("embeddings")).get(smallId);
            assertEquals(1000, small.size(), "every text in the new model's vectors");
            small.forEach((id, n) -> assertEquals(1, n, id + " re-embedded " + n + " times"));
        }
    }
}
