package dev.semstream.query;

import dev.semstream.store.Scores;

import com.fasterxml.jackson.databind.JsonNode;
import dev.semstream.app.AppSettings;
import dev.semstream.app.Pipeline;
import dev.semstream.model.Encoder;
import dev.semstream.model.EncoderOptions;
import dev.semstream.model.load.EncoderModels;
import dev.semstream.reference.TextCorpus;
import dev.semstream.store.Metric;
import dev.semstream.store.SearchRequest;
import dev.semstream.topology.GraphBuildPolicy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What similarity queries must do with two instances of the embedder in one JVM (own state directories
 * and HTTP ports) and a standby replica of every partition: searches over HTTP against a brute-force
 * ground truth, routing, errors, upserts and deletes, a silent instance, and a takeover. Subclasses say
 * which broker and registry: the embedded default, or containers.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class QueryContract {
    static final Duration DEADLINE = Duration.ofMinutes(3);
    static final int TEXTS = 120;

    @TempDir
    static Path dirA;
    @TempDir
    static Path dirB;
    static Encoder encoder;
    static Pipeline a;
    static Pipeline b;
    static String urlA;
    static String urlB;
    /** What the store should hold now: id -> text, metadata group. */
    static final Map<String, String> textById = new LinkedHashMap<>();
    static final Map<String, String> groupById = new LinkedHashMap<>();
    static final Map<String, float[]> vectorByText = new java.util.HashMap<>();

    /**
     * Starts instance A with {@code settingsA}, then B with what {@code settingsB} makes of A (B joins A's
     * cluster), both with the HTTP API on a free port and a standby replica of every partition, and
     * ingests the corpus.
     */
    /** Every partition keeps an HNSW graph from its first vector, so approximate searches go through one here. */
    private static AppSettings withGraphs(AppSettings settings) {
        return settings.withEmbedder(settings.embedder().withGraphBuild(new GraphBuildPolicy(0, 2_000)));
    }

    static void startTwoInstances(AppSettings settingsA, java.util.function.Function<Pipeline, AppSettings> settingsB)
            throws Exception {
        encoder = EncoderModels.encoder(null, EncoderOptions.defaults());
        Map<String, Object> props = Map.of("commit.interval.ms", 100, "num.standby.replicas", 1);
        a = Pipeline.start(withGraphs(settingsA).withHttp("localhost", 0).withExtraProperties(props), encoder, line -> { });
        b = Pipeline.start(withGraphs(settingsB.apply(a)).withHttp("localhost", 0).withExtraProperties(props), encoder,
                line -> { });
        urlA = a.endpoints().queryUrl();
        urlB = b.endpoints().queryUrl();
        // Both instances own partitions: the group has rebalanced over the two.
        awaitJson(urlA + "/instances", json -> json.get("instances").size() == 2
                && hasActive(json.get("instances").get(0)) && hasActive(json.get("instances").get(1)));
        List<String> corpus = TextCorpus.texts(44L, TEXTS, 14);
        List<Map<String, Object>> events = new ArrayList<>();
        for (int i = 0; i < TEXTS; i++) {
            String id = String.format("t-%03d", i);
            textById.put(id, corpus.get(i));
            groupById.put(id, "g" + (i % 3));
            events.add(Map.of("id", id, "text", corpus.get(i), "metadata", Map.of("group", "g" + (i % 3))));
        }
        HttpJson.Response ingest = HttpJson.post(urlA + "/texts", Map.of("texts", events));
        assertEquals(202, ingest.status(), String.valueOf(ingest.json()));
        assertEquals(TEXTS, ingest.json().get("accepted").asInt());
        awaitVectorCount(TEXTS);
    }

    @AfterAll
    static void stop() {
        for (Pipeline app : new Pipeline[]{b, a}) {
            if (app != null) {
                app.close();
            }
        }
        a = null;
        b = null;
    }

    @Test
    @Order(1)
    void searchesFromEitherInstanceEqualBruteForceGroundTruthForEveryMetricWithAndWithoutFilters() throws Exception {
        List<String> queries = List.of("How does attention weigh the tokens?", "cosine similarity of two vectors",
                textById.get("t-007"));
        for (String url : List.of(urlA, urlB)) {
            for (String q : queries) {
                for (String metric : List.of("cosine", "euclidean", "dot")) {
                    for (boolean exact : List.of(true, false)) {
                        for (Map<String, String> filters : List.of(Map.<String, String>of(), Map.of("group", "g1"))) {
                            JsonNode result = HttpJson.search(url, Map.of("text", q, "k", 7, "metric", metric, "exact", exact,
                                    "filters", filters));
                            assertEquals(truth(encoder.embed(q).vector(), metric, 7, filters, null), HttpJson.hitIds(result),
                                    url + " " + metric + " exact=" + exact + " filters=" + filters + " q=" + q);
                            assertFalse(result.get("partial").asBoolean());
                            assertEquals(6, result.get("partitions").get("answered").size());
                            assertEquals(2, result.get("instances").size(), "both instances answered");
                        }
                    }
                }
            }
        }
        JsonNode top = HttpJson.search(urlB, Map.of("text", textById.get("t-007"), "k", 1, "metric", "euclidean"));
        assertEquals("t-007", top.get("hits").get(0).get("id").asText());
        assertEquals(0.0, top.get("hits").get(0).get("score").asDouble(), 1e-3, "a stored text is at distance 0 from itself");

        JsonNode byId = HttpJson.search(urlA, Map.of("id", "t-011", "k", 5));
        assertEquals(truth(encoder.embed(textById.get("t-011")).vector(), "cosine", 5, Map.of(), "t-011"), HttpJson.hitIds(byId),
                "a search by id finds the neighbours of the stored text, not the text itself");
        float[] v = encoder.embed("the decoder masks future tokens").vector();
        JsonNode byVector = HttpJson.search(urlB, Map.of("vector", v, "k", 3, "metric", "dot", "includeVectors", true));
        assertEquals(truth(v, "dot", 3, Map.of(), null), HttpJson.hitIds(byVector));
        assertEquals(384, byVector.get("hits").get(0).get("vector").size());
    }

    @Test
    @Order(2)
    void keyLookupsAnswerFromEitherInstanceAndUnknownIdsAre404() throws Exception {
        float[] expected = encoder.embed(textById.get("t-042")).vector();
        for (String url : List.of(urlA, urlB)) {
            HttpJson.Response r = HttpJson.get(url + "/embeddings/t-042");
            assertEquals(200, r.status(), String.valueOf(r.json()));
            assertEquals(textById.get("t-042"), r.json().get("text").asText());
            assertEquals(Map.of("group", "g0"), HttpJson.MAPPER.convertValue(r.json().get("metadata"), Map.class));
            assertArrayEquals(expected, floats(r.json().get("vector")), 1e-6f);
            HttpJson.Response missing = HttpJson.get(url + "/embeddings/no-such-id");
            assertEquals(404, missing.status());
            assertEquals("not_found", missing.json().get("error").asText());
        }
    }

    @Test
    @Order(3)
    void badRequestsGet4xxWithAJsonMessageSayingWhatIsWrong() throws Exception {
        assertError(HttpJson.post(urlA + "/search", Map.of("text", "x", "k", 0)), 400, "'k' must be between 1 and 1000");
        assertError(HttpJson.post(urlA + "/search", Map.of("text", "x", "k", 5000)), 400, "'k' must be between 1 and 1000");
        assertError(HttpJson.post(urlA + "/search", Map.of("text", "x", "metric", "manhattan")), 400, "unknown metric 'manhattan'");
        assertError(HttpJson.post(urlA + "/search", Map.of("vector", new float[]{1, 2, 3})), 400, "has 3 dimensions");
        assertError(HttpJson.post(urlA + "/search", Map.of("k", 5)), 400, "give exactly one of 'text', 'vector' or 'id'");
        assertError(HttpJson.post(urlA + "/search", Map.of("text", "   ")), 400, "'text' is blank");
        assertError(HttpJson.post(urlA + "/search", "{\"text\": \"unclosed"), 400, "malformed JSON");
        assertError(HttpJson.post(urlA + "/search", "[1, 2]"), 400, "expected a JSON object");
        assertError(HttpJson.post(urlA + "/search", "{\"text\": \"x\"} trailing"), 400, "malformed JSON");
        assertError(HttpJson.post(urlA + "/search", new byte[ApiRequest.MAX_BODY_BYTES + 10]), 413, "limit");
        assertError(HttpJson.post(urlA + "/search", Map.of("vector", new float[384], "modelId", "gpt2@000000000000")),
                409, "vectors of different models cannot be compared");
        assertError(HttpJson.post(urlA + "/search", Map.of("id", "no-such-id")), 404, "no stored text has id 'no-such-id'");
        assertError(HttpJson.post(urlA + "/similarity", Map.of("a", "only one")), 400, "'b' is missing");
        assertError(HttpJson.post(urlA + "/embed", Map.of("text", 5)), 400, "'text' must be a string");
        assertError(HttpJson.post(urlA + "/texts", Map.of("texts", List.of())), 400, "non-empty array");
        assertError(HttpJson.get(urlA + "/search"), 405, "use POST");
        assertError(HttpJson.get(urlA + "/nowhere"), 404, "no such endpoint");
    }

    @Test
    @Order(3)
    void similarityAndEmbedAnswerWithoutTouchingTheStore() throws Exception {
        String x = "Temperature controls how random the sampling is.";
        String y = "Euclidean distance measures straight-line distance.";
        HttpJson.Response s = HttpJson.post(urlB + "/similarity", Map.of("a", x, "b", y));
        assertEquals(200, s.status());
        float[] ex = encoder.embed(x).vector();
        float[] ey = encoder.embed(y).vector();
        assertEquals(Scores.cosine(ex, ey), s.json().get("cosine").asDouble(), 1e-6);
        assertEquals(Scores.euclidean(ex, ey), s.json().get("euclidean").asDouble(), 1e-6);
        HttpJson.Response e = HttpJson.post(urlA + "/embed", Map.of("text", x));
        assertArrayEquals(ex, floats(e.json().get("vector")), 1e-6f);
        assertEquals(encoder.modelId(), e.json().get("modelId").asText());
    }

    @Test
    @Order(4)
    void theCliSearchesThroughTheApiAndComparesTwoTexts() throws Exception {
        String q = "Attention lets every token look at every other token.";
        CliRun json = cli("search", q, "--k", "4", "--metric", "euclidean", "--url", urlB, "--json");
        assertEquals(0, json.exit(), json.err());
        assertEquals(truth(encoder.embed(q).vector(), "euclidean", 4, Map.of(), null),
                HttpJson.hitIds(HttpJson.MAPPER.readTree(json.out())));
        CliRun table = cli("search", q, "--k", "2", "--filter", "group=g2", "--url", urlA);
        assertEquals(0, table.exit(), table.err());
        List<String> expected = truth(encoder.embed(q).vector(), "cosine", 2, Map.of("group", "g2"), null);
        String[] lines = table.out().split("\n");
        assertEquals(3, lines.length, table.out());
        assertTrue(lines[0].contains("cosine") && lines[1].contains(expected.get(0)) && lines[2].contains(expected.get(1)),
                table.out());
        assertTrue(table.err().contains("2 hits"), table.err());
        CliRun bad = cli("search", q, "--k", "0", "--url", urlA);
        assertEquals(1, bad.exit());
        assertTrue(bad.err().contains("'k' must be between 1 and 1000, was 0 (HTTP 400)"), bad.err());
        CliRun named = cli("search", q, "--k", "4", "--metric", "euclidean", "--model", encoder.modelId(), "--url", urlA,
                "--json");
        assertEquals(0, named.exit(), named.err());
        JsonNode namedAnswer = HttpJson.MAPPER.readTree(named.out());
        assertEquals(encoder.modelId(), namedAnswer.get("modelId").asText());
        assertEquals(truth(encoder.embed(q).vector(), "euclidean", 4, Map.of(), null), HttpJson.hitIds(namedAnswer));
        CliRun unserved = cli("search", q, "--model", "gpt2@000000000000", "--url", urlA);
        assertEquals(1, unserved.exit(), unserved.err());
        assertTrue(unserved.err().contains("model_mismatch: model gpt2@000000000000 is not served by this pipeline;"
                + " the active model is " + encoder.modelId()) && unserved.err().contains("(HTTP 409)"), unserved.err());
        assertEquals("", unserved.out(), "no table for a refused query");

        String x = "The model predicts the next word.";
        String y = "A language model guesses the following token.";
        CliRun similarity = cli("similarity", x, y, "--json");
        assertEquals(0, similarity.exit(), similarity.err());
        JsonNode s = HttpJson.MAPPER.readTree(similarity.out());
        assertEquals(Scores.cosine(encoder.embed(x).vector(), encoder.embed(y).vector()), s.get("cosine").asDouble(), 1e-5);
        assertEquals(Scores.euclidean(encoder.embed(x).vector(), encoder.embed(y).vector()), s.get("euclidean").asDouble(), 1e-5);
    }

    record CliRun(int exit, String out, String err) {
    }

    static CliRun cli(String... args) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        int exit = dev.semstream.cli.Main.run(new java.io.ByteArrayInputStream(new byte[0]),
                new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8),
                new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8), args);
        return new CliRun(exit, out.toString(java.nio.charset.StandardCharsets.UTF_8),
                err.toString(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    @Order(5)
    void upsertsAndDeletesAreReflectedInTheNextQuery() throws Exception {
        String newText = "An upserted text about masked language models like BERT.";
        assertEquals(202, HttpJson.post(urlB + "/texts", Map.of("id", "t-003", "text", newText,
                "metadata", Map.of("group", "g0"))).status());
        textById.put("t-003", newText);
        assertEquals(202, HttpJson.delete(urlA + "/texts/t-004").status());
        textById.remove("t-004");
        groupById.remove("t-004");
        awaitJson(urlA + "/embeddings/t-003", json -> json.get("text").asText().equals(newText));
        awaitStatus(urlB + "/embeddings/t-004", 404);
        float[] q = encoder.embed(newText).vector();
        for (String url : List.of(urlA, urlB)) {
            for (boolean exact : List.of(true, false)) {
                JsonNode result = HttpJson.search(url, Map.of("text", newText, "k", 10, "exact", exact));
                assertEquals(truth(q, "cosine", 10, Map.of(), null), HttpJson.hitIds(result));
                assertEquals("t-003", result.get("hits").get(0).get("id").asText());
                JsonNode all = HttpJson.search(url, Map.of("vector", encoder.embed(TextCorpus.texts(44L, TEXTS, 14).get(4)).vector(),
                        "k", 1000, "exact", exact));
                assertEquals(TEXTS - 1, all.get("hits").size(), "the deleted text is gone, the upsert replaced");
                assertFalse(HttpJson.hitIds(all).contains("t-004"));
            }
        }
    }

    @Test
    @Order(6)
    void withStandbyReplicasOneInstanceCanAnswerForEveryPartitionStale() throws Exception {
        float[] q = encoder.embed("next token prediction").vector();
        for (Metric metric : Metric.values()) {
            for (Map<String, String> filters : List.of(Map.<String, String>of(), Map.of("group", "g1"))) {
                JsonNode body = SearchQuery.internalBody(new SearchRequest(q, encoder.modelId(), 10, metric, true, 0,
                        filters, false), true);
                HttpJson.Response local = HttpJson.post(urlA + "/internal/search", body);
                String what = metric.userName() + " filters=" + filters + ": " + local.json();
                assertEquals(200, local.status(), what);
                assertEquals(6, local.json().get("partitions").size(), "active and standby partitions: " + what);
                assertTrue(local.json().get("stalePartitions").size() > 0,
                        "some partitions answered from standby replicas: " + what);
                if (metric == Metric.COSINE && filters.isEmpty()) {
                    assertEquals(truth(q, "cosine", 10, Map.of(), null), HttpJson.hitIds(local.json()));
                }
                // A standby's store is searched as its partition's index searches: the same hits, scores to the bit.
                JsonNode indexed = HttpJson.search(urlA, Map.of("vector", q, "k", 10, "metric", metric.userName(),
                        "exact", true, "filters", filters));
                assertEquals(0, indexed.get("partitions").get("stale").size(), String.valueOf(indexed));
                assertSameHits(indexed, local.json(), what);
            }
        }
    }

    @Test
    @Order(7)
    void anInstanceThatDoesNotAnswerInTimeMakesThePartialNotAnError() throws Exception {
        // B's HTTP API goes silent: its port accepts connections and never answers.
        int portB = b.queryServer().orElseThrow().self().port();
        b.queryServer().orElseThrow().close();
        try (ServerSocket silent = new ServerSocket(portB, 50, InetAddress.getByName("localhost"))) {
            JsonNode partitionsOfB = HttpJson.get(urlA + "/instances").json();
            HttpJson.Response r = HttpJson.post(urlA + "/search", Map.of("text", "attention", "k", 5, "timeoutMs", 500));
            assertEquals(200, r.status(), String.valueOf(r.json()));
            assertTrue(r.json().get("partial").asBoolean(), String.valueOf(r.json()));
            assertTrue(r.json().get("partitions").get("missing").size() > 0, String.valueOf(partitionsOfB));
            assertTrue(r.json().get("instances").toString().contains("no answer within 500 ms"), r.json().toString());
            assertEquals(5, r.json().get("hits").size(), "the partitions that answered still give k hits");
        }
    }

    @Test
    @Order(8)
    void whenAnInstanceLeavesTheOtherTakesOverAndAnswersCompleteAgain() throws Exception {
        float[] q = encoder.embed("What does the MLP layer do?").vector();
        List<String> expected = truth(q, "euclidean", 10, Map.of(), null);
        b.close();
        b = null;
        // Stale reads answer from A's standby copies while the group moves B's partitions to A.
        JsonNode stale = awaitSearch(urlA, Map.of("vector", q, "k", 10, "metric", "euclidean", "stale", true, "exact", true),
                json -> !json.get("partial").asBoolean());
        assertEquals(expected, HttpJson.hitIds(stale));
        JsonNode fresh = awaitSearch(urlA, Map.of("vector", q, "k", 10, "metric", "euclidean"),
                json -> !json.get("partial").asBoolean() && json.get("instances").size() == 1);
        assertEquals(expected, HttpJson.hitIds(fresh));
        assertEquals(6, fresh.get("partitions").get("answered").size());
        assertEquals(0, fresh.get("partitions").get("stale").size(), "after the takeover A answers from its own indexes");
        assertEquals(TEXTS - 1, HttpJson.get(urlA + "/health").json().get("vectors").asInt(),
                "A rebuilt the indexes of the partitions it took over from their restored stores");
    }

    // ---- helpers ----

    /** The k best ids by brute force in double precision over what the store should hold now. */
    static List<String> truth(float[] query, String metric, int k, Map<String, String> filters, String exclude) {
        List<String> ids = new ArrayList<>(textById.keySet());
        ids.removeIf(id -> id.equals(exclude) || (!filters.isEmpty() && !filters.get("group").equals(groupById.get(id))));
        Map<String, Double> score = new LinkedHashMap<>();
        for (String id : ids) {
            float[] v = vectorByText.computeIfAbsent(textById.get(id), t -> encoder.embed(t).vector());
            score.put(id, switch (Metric.parse(metric)) {
                case COSINE -> Scores.cosine(query, v);
                case EUCLIDEAN -> Scores.euclidean(query, v);
                case DOT -> Scores.dot(query, v);
            });
        }
        Comparator<String> byScore = Comparator.comparingDouble(score::get);
        if (!metric.equals("euclidean")) {
            byScore = byScore.reversed();
        }
        return ids.stream().sorted(byScore.thenComparing(Comparator.naturalOrder())).limit(k).toList();
    }

    /** The same hits in the same order, with the same float scores bit for bit. */
    static void assertSameHits(JsonNode expected, JsonNode actual, String what) {
        assertEquals(HttpJson.hitIds(expected), HttpJson.hitIds(actual), what);
        for (int i = 0; i < expected.get("hits").size(); i++) {
            float e = (float) expected.get("hits").get(i).get("score").asDouble();
            float a = (float) actual.get("hits").get(i).get("score").asDouble();
            assertEquals(Float.floatToIntBits(e), Float.floatToIntBits(a), what + ": score at rank " + i + ", " + e
                    + " indexed, " + a + " stale");
        }
    }

    static float[] floats(JsonNode array) {
        float[] v = new float[array.size()];
        IntStream.range(0, v.length).forEach(i -> v[i] = (float) array.get(i).asDouble());
        return v;
    }

    static void assertError(HttpJson.Response r, int status, String messagePart) {
        assertEquals(status, r.status(), String.valueOf(r.json()));
        assertNotNull(r.json(), "an error has a JSON body");
        assertTrue(r.json().get("message").asText().contains(messagePart), r.json().toString());
        assertEquals(status, r.json().get("status").asInt());
    }

    static boolean hasActive(JsonNode instance) {
        return instance.get("active").size() > 0;
    }

    static void awaitVectorCount(int n) throws Exception {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        int seen = -1;
        while (System.nanoTime() < deadline) {
            seen = 0;
            for (String url : List.of(urlA, urlB)) {
                seen += HttpJson.get(url + "/health").json().get("vectors").asInt();
            }
            if (seen == n) {
                return;
            }
            pollPause();
        }
        throw new AssertionError("the instances hold " + seen + " vectors, not " + n + ", after " + DEADLINE);
    }

    /** Between two polls of a condition (each has a deadline), so polling leaves the cores to the pipeline. */
    static void pollPause() throws InterruptedException {
        Thread.sleep(50);
    }

    static JsonNode awaitJson(String url, Predicate<JsonNode> condition) throws Exception {
        return HttpJson.awaitJson(url, DEADLINE, condition);
    }

    static void awaitStatus(String url, int status) throws Exception {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        int last = 0;
        while (System.nanoTime() < deadline) {
            last = HttpJson.get(url).status();
            if (last == status) {
                return;
            }
            pollPause();
        }
        throw new AssertionError(url + " answered " + last + ", not " + status + ", for " + DEADLINE);
    }

    static JsonNode awaitSearch(String url, Map<String, Object> body, Predicate<JsonNode> condition) throws Exception {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            HttpJson.Response r = HttpJson.post(url + "/search", body);
            last = r.json();
            if (r.status() == 200 && condition.test(last)) {
                return last;
            }
            pollPause();
        }
        throw new AssertionError("no complete answer from " + url + " in " + DEADLINE + "; last: " + last);
    }
}
