package dev.semstream.query;

import com.fasterxml.jackson.databind.JsonNode;
import dev.semstream.app.AppSettings;
import dev.semstream.app.Pipeline;
import dev.semstream.avro.TextEvent;
import dev.semstream.embedded.Eventually;
import dev.semstream.model.EncoderOptions;
import dev.semstream.model.load.EncoderModels;
import dev.semstream.model.load.HfGpt2Checkpoint;
import dev.semstream.model.load.TinyGptCheckpoint;
import dev.semstream.registry.AvroSerializer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.semstream.query.ApiHttpServerTest.assertJsonError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The console's live feed and {@code POST /prompts} against the whole pipeline on the embedded default, with a
 * tiny random GPT as the generator: what the pipeline embeds, deletes, dead-letters and completes reaches an
 * SSE client with the contract's fields; kinds and replay; the JSON errors; and a subscriber that never reads
 * slows nothing and is dropped for, not waited on.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LiveFeedIntegrationTest {
    private static final Duration DEADLINE = Duration.ofMinutes(2);
    /** Texts embedded while a subscriber reads nothing; few, since each costs the encoder. */
    private static final int FLOWING_TEXTS = 200;
    /**
     * Undecodable records dead-lettered meanwhile, a round at a time until the server drops for the stalled
     * subscriber: cheap for the pipeline, and with long keys big events. Rounds, because before the queue fills
     * the kernel takes what its send buffer holds (up to tcp_wmem's 4 MiB on Linux).
     */
    private static final int DEAD_LETTER_ROUND = 2000;
    private static final int MAX_ROUNDS = 8;
    @TempDir
    static Path dir;
    @TempDir
    static Path checkpoint;
    static Pipeline pipeline;
    static String url;
    static SseClient all;

    @BeforeAll
    static void start() throws Exception {
        TinyGptCheckpoint.write(checkpoint, 11L);
        pipeline = Pipeline.start(AppSettings.embedded(dir).withHttp("localhost", 0)
                        .withExtraProperties(Map.of("commit.interval.ms", 100)),
                EncoderModels.encoder(null, EncoderOptions.defaults()), HfGpt2Checkpoint.load(checkpoint).generator(),
                line -> { });
        pipeline.awaitRunning(DEADLINE);
        url = pipeline.endpoints().queryUrl();
        all = SseClient.open(url + "/feed?replay=0");
    }

    @AfterAll
    static void stop() throws IOException {
        if (all != null) {
            all.close();
        }
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    @Order(1)
    void theStreamOpensWithHello() throws Exception {
        assertEquals(200, all.status());
        assertTrue(all.contentType().startsWith("text/event-stream"), all.contentType());
        SseClient.Event hello = all.await(DEADLINE, "hello", e -> true);
        assertEquals("hello", hello.kind());
        assertEquals("hello", hello.data().get("kind").asText());
        URI self = URI.create(url);
        assertEquals(self.getHost() + ":" + self.getPort(), hello.data().get("instance").asText());
        assertEquals("semstream.embeddings", hello.data().get("topics").get("embeddings").asText());
        assertEquals("semstream.dlq", hello.data().get("topics").get("dlq").asText());
        assertEquals("semstream.completions", hello.data().get("topics").get("completions").asText());
        assertEquals(0, hello.data().get("replayed").asInt());
        assertEquals("2000", all.retry());
    }

    @Test
    @Order(2)
    void anEmbeddedTextArrivesWithTheContractsFields() throws Exception {
        HttpJson.Response posted = HttpJson.post(url + "/texts", Map.of("id", "feed-1",
                "text", "attention weighs every token", "metadata", Map.of("group", "g1")));
        assertEquals(202, posted.status(), String.valueOf(posted.json()));
        JsonNode e = all.await(DEADLINE, "the embedding of feed-1",
                ev -> ev.kind().equals("embedding") && ev.data().get("id").asText().equals("feed-1")).data();
        assertEquals("embedding", e.get("kind").asText());
        assertTrue(e.get("modelId").asText().startsWith("all-MiniLM-L6-v2@"), e.toString());
        assertTrue(e.get("tokens").asInt() > 2, e.toString());
        assertFalse(e.get("truncated").asBoolean());
        assertEquals("attention weighs every token", e.get("text").asText());
        assertEquals("attention weighs every token".length(), e.get("textLength").asInt());
        assertEquals("g1", e.get("metadata").get("group").asText());
        long eventTime = e.get("eventTime").asLong();
        long embeddedAt = e.get("embeddedAt").asLong();
        assertEquals(embeddedAt - eventTime, e.get("latencyMs").asLong());
        assertTrue(e.get("seenAt").asLong() >= embeddedAt, e.toString());
        assertTrue(e.get("partition").asInt() >= 0 && e.get("offset").asLong() >= 0, e.toString());
        assertTrue(e.get("map").isNull(), "no map drawn yet: " + e);
        assertFalse(e.has("vector"), "the vector itself is not sent");
    }

    @Test
    @Order(3)
    void aBlankTextIsADeadLetterWithItsReason() throws Exception {
        Map<String, Object> props = clientProperties();
        try (AvroSerializer<TextEvent> avro = new AvroSerializer<>();
             KafkaProducer<String, byte[]> producer = producer()) {
            avro.configure(props, false);
            TextEvent blank = TextEvent.newBuilder().setId("feed-blank").setText("   ").setEventTime(Instant.now()).build();
            producer.send(new ProducerRecord<>("semstream.texts", "feed-blank",
                    avro.serialize("semstream.texts", blank))).get();
        }
        JsonNode d = all.await(DEADLINE, "the dead letter of feed-blank",
                ev -> ev.kind().equals("dead_letter") && "feed-blank".equals(ev.data().get("key").asText())).data();
        assertEquals("BLANK_TEXT", d.get("reason").asText());
        assertTrue(d.get("message").asText().contains("blank"), d.toString());
        assertEquals("semstream.texts", d.get("sourceTopic").asText());
        assertTrue(d.get("sourcePartition").asInt() >= 0 && d.get("sourceOffset").asLong() >= 0, d.toString());
        assertTrue(d.get("valueBytes").asInt() > 5, d.toString());
        assertTrue(d.get("timestamp").asLong() > 0 && d.get("seenAt").asLong() > 0, d.toString());
    }

    @Test
    @Order(4)
    void aDeletedTextIsADelete() throws Exception {
        assertEquals(202, HttpJson.delete(url + "/texts/feed-1").status());
        JsonNode d = all.await(DEADLINE, "the delete of feed-1", ev -> ev.kind().equals("delete")).data();
        assertEquals("feed-1", d.get("id").asText());
        assertTrue(d.has("partition") && d.has("offset") && d.has("seenAt"), d.toString());
    }

    @Test
    @Order(5)
    void aPostedPromptsCompletionArrives() throws Exception {
        HttpJson.Response posted = HttpJson.post(url + "/prompts", Map.of("text", "the", "maxTokens", 4, "seed", 3,
                "temperature", 0.5));
        assertEquals(202, posted.status(), String.valueOf(posted.json()));
        String promptId = posted.json().get("promptId").asText();
        assertEquals("semstream.prompts", posted.json().get("topic").asText());
        assertTrue(posted.json().get("offset").asLong() >= 0);
        JsonNode c = all.await(DEADLINE, "the completion of " + promptId, ev -> ev.kind().equals("completion")
                && ev.data().get("promptId").asText().equals(promptId)).data();
        assertTrue(List.of("LENGTH", "STOP", "END_OF_TEXT").contains(c.get("finishReason").asText()), c.toString());
        assertTrue(c.get("error").isNull(), c.toString());
        assertTrue(c.get("completionTokens").asInt() >= 1 && c.get("promptTokens").asInt() >= 1, c.toString());
        assertTrue(c.get("modelId").asText().length() > 0 && c.get("contextIds").isArray(), c.toString());
        assertTrue(c.get("timings").has("tokensPerSecond") && c.get("completedAt").asLong() > 0, c.toString());
    }

    @Test
    @Order(6)
    void kindsFiltersReplayAndLiveEvents() throws Exception {
        try (SseClient deletes = SseClient.open(url + "/feed?kinds=delete,dead_letter&replay=200")) {
            SseClient.Event hello = deletes.await(DEADLINE, "hello", e -> true);
            assertEquals("hello", hello.kind());
            int replayed = hello.data().get("replayed").asInt();
            assertEquals(2, replayed, "the delete and the dead letter so far, not the embedding or completion");
            HttpJson.post(url + "/texts", Map.of("id", "feed-2", "text", "a second text"));
            all.await(DEADLINE, "the embedding of feed-2", ev -> ev.kind().equals("embedding")
                    && ev.data().get("id").asText().equals("feed-2"));
            HttpJson.delete(url + "/texts/feed-2");
            SseClient.Event next = deletes.await(DEADLINE, "the delete of feed-2",
                    e -> e.kind().equals("delete") && e.data().get("id").asText().equals("feed-2"));
            assertNotNull(next);
            assertTrue(deletes.seen().stream().allMatch(e -> List.of("hello", "delete", "dead_letter").contains(e.kind())),
                    "only the kinds asked for: " + deletes.seen());
        }
    }

    @Test
    @Order(7)
    void replayGivesTheLastEventsThenLiveOnes() throws Exception {
        all.await(DEADLINE, "the delete of feed-2", e -> e.kind().equals("delete")
                && e.data().get("id").asText().equals("feed-2"));
        List<String> allIds = all.seen().stream().filter(e -> e.id() != null).map(SseClient.Event::id).toList();
        try (SseClient two = SseClient.open(url + "/feed?replay=2")) {
            assertEquals(2, two.await(DEADLINE, "hello", e -> true).data().get("replayed").asInt());
            String first = two.await(DEADLINE, "a replayed event", e -> true).id();
            String second = two.await(DEADLINE, "a replayed event", e -> true).id();
            assertEquals(allIds.subList(allIds.size() - 2, allIds.size()), List.of(first, second),
                    "the last two events this instance saw, oldest first, with their own ids");
        }
        try (SseClient defaults = SseClient.open(url + "/feed")) {
            int replayed = defaults.await(DEADLINE, "hello", e -> true).data().get("replayed").asInt();
            assertEquals(Math.min(50, allIds.size()), replayed, "replay defaults to 50");
        }
    }

    @Test
    @Order(8)
    void badRequestsAreJsonErrors() throws Exception {
        assertJsonError(RawHttp.request(url, "GET", "/feed?kinds=embedding,nope", "", ""), 400);
        assertJsonError(RawHttp.request(url, "GET", "/feed?replay=201", "", ""), 400);
        assertJsonError(RawHttp.request(url, "GET", "/feed?replay=-1", "", ""), 400);
        assertJsonError(RawHttp.request(url, "GET", "/feed?replay=x", "", ""), 400);
        assertJsonError(RawHttp.request(url, "POST", "/feed", "", "{}"), 405);
        assertJsonError(RawHttp.request(url, "GET", "/prompts", "", ""), 405);
        for (Map<String, Object> bad : List.<Map<String, Object>>of(Map.of("text", ""), Map.of("text", "  "),
                Map.of("maxTokens", 4), Map.of("text", "x", "temperature", -0.1), Map.of("text", "x", "topP", 0),
                Map.of("text", "x", "topP", 1.5), Map.of("text", "x", "maxTokens", 0), Map.of("text", "x", "topK", -1),
                Map.of("text", "x", "stop", List.of("")), Map.of("text", "x", "retrievalK", 21),
                Map.of("text", "x", "seed", "one"), Map.of("text", 5))) {
            HttpJson.Response r = HttpJson.post(url + "/prompts", bad);
            assertEquals(400, r.status(), bad + " -> " + r.json());
            assertEquals("bad_request", r.json().get("error").asText(), bad + " -> " + r.json());
        }
        HttpJson.Response tooLong = HttpJson.post(url + "/prompts", Map.of("text", "x".repeat(65 * 1024)));
        assertEquals(413, tooLong.status(), String.valueOf(tooLong.json()));
        HttpJson.Response tooBig = HttpJson.post(url + "/prompts", Map.of("text", "x".repeat(ApiRequest.MAX_BODY_BYTES)));
        assertEquals(413, tooBig.status(), String.valueOf(tooBig.json()));
    }

    @Test
    @Order(9)
    void aSubscriberThatNeverReadsSlowsNothingAndIsDroppedFor() throws Exception {
        int before = HttpJson.get(url + "/health").json().get("vectors").asInt();
        long droppedBefore = HttpJson.get(url + "/feed/stats").json().get("dropped").asLong();
        URI self = URI.create(url);
        try (Socket stalled = new Socket()) {
            stalled.setReceiveBufferSize(1024);
            stalled.connect(new InetSocketAddress(self.getHost(), self.getPort()));
            stalled.getOutputStream().write(("GET /feed?replay=0 HTTP/1.1\r\nHost: " + self.getHost() + ":"
                    + self.getPort() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            stalled.getOutputStream().flush();
            Eventually.await(DEADLINE, "the stalled client subscribed", () -> stats().get("subscribers").asInt() == 2);

            List<Map<String, Object>> texts = new ArrayList<>();
            for (int i = 0; i < FLOWING_TEXTS; i++) {
                texts.add(Map.of("id", "flow-" + i, "text", "flowing text number " + i + " about vectors"));
            }
            assertEquals(202, HttpJson.post(url + "/texts", Map.of("texts", texts)).status());
            long deadLetters = stats().get("seen").get("dead_letter").asLong();
            String longKey = "k".repeat(FeedRecords.KEY_CHARS);
            try (KafkaProducer<String, byte[]> producer = producer()) {
                for (int round = 0; round < MAX_ROUNDS && stats().get("dropped").asLong() == droppedBefore; round++) {
                    for (int i = 0; i < DEAD_LETTER_ROUND; i++) {
                        producer.send(new ProducerRecord<>("semstream.texts", longKey + round + "-" + i,
                                "not avro".getBytes(StandardCharsets.UTF_8)));
                    }
                    producer.flush();
                    long expected = deadLetters += DEAD_LETTER_ROUND;
                    Eventually.await(DEADLINE, "the feed saw round " + round + "'s dead letters",
                            () -> stats().get("seen").get("dead_letter").asLong() >= expected);
                }
            }
            Eventually.await(DEADLINE, "every flowing text embedded while a subscriber reads nothing",
                    () -> vectors() == before + FLOWING_TEXTS);
            JsonNode stats = stats();
            assertTrue(stats.get("dropped").asLong() > droppedBefore, "the stalled subscriber's queue is bounded: " + stats);
            assertEquals(2, stats.get("subscribers").asInt(), "still subscribed, not waited on: " + stats);
            assertTrue(HttpJson.get(url + "/health").status() == 200);
            String metrics = RawHttp.request(url, "GET", "/metrics", "", "").body();
            assertTrue(metrics.contains("semstream_console_feed_subscribers 2.0"), "the gauge");
            assertTrue(metrics.lines().anyMatch(l -> l.startsWith("semstream_console_feed_dropped_total ")
                    && Double.parseDouble(l.split(" ")[1]) > 0), "the counter");
            // The reading subscriber still gets live events, the stalled one notwithstanding.
            all.await(DEADLINE, "flow-199's embedding for the reading client", e -> e.kind().equals("embedding")
                    && e.data().get("id").asText().equals("flow-" + (FLOWING_TEXTS - 1)));
        }
        // Gone: its next write fails (at the latest a ping, every 15 s) and it is no longer a subscriber.
        Eventually.await(Duration.ofSeconds(45), "the closed client removed", () -> stats().get("subscribers").asInt() == 1);
    }

    @Test
    @Order(10)
    void closingTheServerEndsEverySubscriberAndStopsTheTail() throws Exception {
        try (SseClient open = SseClient.open(url + "/feed?replay=0")) {
            open.await(DEADLINE, "hello", e -> true);
            assertTrue(tailThreads() == 1, "one tail per instance");
            pipeline.close();
            pipeline = null;
            Eventually.await(Duration.ofSeconds(30), "the open stream ended by the server", open::ended);
            assertEquals(0, tailThreads(), "the tail's thread was joined");
        }
    }

    private static long tailThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("semstream-feed-tail") && t.isAlive()).count();
    }

    private static JsonNode stats() {
        try {
            return HttpJson.get(url + "/feed/stats").json();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static int vectors() {
        try {
            return HttpJson.get(url + "/health").json().get("vectors").asInt();
        } catch (Exception e) {
            return -1;
        }
    }

    private static Map<String, Object> clientProperties() {
        Map<String, Object> p = new HashMap<>();
        p.put("bootstrap.servers", pipeline.endpoints().bootstrapServers());
        p.put("schema.registry.url", pipeline.endpoints().schemaRegistryUrl());
        return p;
    }

    private static KafkaProducer<String, byte[]> producer() {
        Map<String, Object> p = new HashMap<>();
        p.put("bootstrap.servers", pipeline.endpoints().bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }
}
