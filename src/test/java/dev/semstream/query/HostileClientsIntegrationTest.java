package dev.semstream.query;

import com.fasterxml.jackson.databind.JsonNode;
import dev.semstream.app.AppSettings;
import dev.semstream.app.Pipeline;
import dev.semstream.embedded.Eventually;
import dev.semstream.model.EncoderOptions;
import dev.semstream.model.load.EncoderModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static dev.semstream.query.ApiHttpServerTest.assertJsonError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 11's HTTP rows against the whole pipeline on the embedded default (one instance): slow and
 * malformed clients (rows 2, 9), a cross-site form post (row 10), a huge query vector (row 8), and
 * health that follows the registry going away and coming back (row 5).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileClientsIntegrationTest {
    private static final Duration DEADLINE = Duration.ofMinutes(2);
    @TempDir
    static Path dir;
    static Pipeline pipeline;
    static String url;

    @BeforeAll
    static void start() throws Exception {
        pipeline = Pipeline.start(AppSettings.embedded(dir).withHttp("localhost", 0)
                        .withExtraProperties(Map.of("commit.interval.ms", 100)),
                EncoderModels.encoder(null, EncoderOptions.defaults()), line -> { });
        pipeline.awaitRunning(DEADLINE);
        url = pipeline.endpoints().queryUrl();
        HttpJson.Response ingest = HttpJson.post(url + "/texts", Map.of("texts",
                List.of("attention weighs tokens", "a cat sat on the mat", "vectors in a store")));
        assertEquals(202, ingest.status(), String.valueOf(ingest.json()));
        Eventually.await(DEADLINE, "3 vectors stored", () -> vectors() == 3);
    }

    @AfterAll
    static void stop() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    private static int vectors() {
        try {
            return HttpJson.get(url + "/health").json().get("vectors").asInt();
        } catch (Exception e) {
            return -1;
        }
    }

    @Test
    @Order(1)
    void row2SixteenHalfSentRequestLinesDoNotStopTheApi() throws Exception {
        try (RawHttp.Stalled stalled = RawHttp.halfSentRequestLines(url, 16)) {
            RawHttp.Answer health = assertTimeoutPreemptively(Duration.ofSeconds(5),
                    () -> RawHttp.request(url, "GET", "/health", "", ""));
            assertEquals(200, health.status(), health.body());
        }
    }

    @Test
    @Order(2)
    void row9ErrorsFromBelowTheApiAreJsonNotHtml() throws Exception {
        assertJsonError(RawHttp.request(url, "GET", "/embeddings/x?stale=%zz", "", ""), 400);
        assertJsonError(RawHttp.request(url, "POST", "//search", "Content-Type: application/json\r\n",
                "{\"text\":\"x\"}"), 400);
        assertJsonError(RawHttp.send(url, "POST /search HTTP/1.1\r\nHost: localhost\r\nContent-Length: abc\r\n"
                + "Connection: close\r\n\r\n"), 400);
        assertJsonError(RawHttp.request(url, "GET", "/no/such/route", "", ""), 404);
        RawHttp.Answer wrong = RawHttp.request(url, "GET", "/search", "", "");
        assertJsonError(wrong, 405);
        assertEquals("POST", wrong.header("Allow"));
        assertJsonError(RawHttp.request(url, "POST", "/search", "", "{\"text\": [}"), 400);
    }

    @Test
    @Order(3)
    void row10ACrossSiteTextPlainFormPostIsRefused() throws Exception {
        RawHttp.Answer evil = RawHttp.request(url, "POST", "/texts", "Origin: http://evil.example\r\n"
                + "Content-Type: text/plain\r\n", "{\"id\":\"evil-1\",\"text\":\"planted\"}");
        assertJsonError(evil, 403);
        RawHttp.Answer rebound = RawHttp.request(url, "GET", "/health", "Host: evil.example\r\n", "");
        assertJsonError(rebound, 403);
        assertEquals(404, HttpJson.get(url + "/embeddings/evil-1").status(), "nothing was planted");
    }

    @Test
    @Order(4)
    void row8AHugeFiniteQueryVectorGetsNumbersForScores() throws Exception {
        double[] huge = new double[384];
        Arrays.fill(huge, 1e20);
        JsonNode cosine = HttpJson.search(url, Map.of("vector", huge, "metric", "cosine", "exact", true));
        assertEquals(3, cosine.get("hits").size());
        boolean someNonZero = false;
        for (JsonNode hit : cosine.get("hits")) {
            assertTrue(hit.get("score").isNumber(), hit.toString());
            someNonZero |= hit.get("score").asDouble() != 0;
        }
        assertTrue(someNonZero, "cosine scores of a huge vector are its direction's, not all 0: " + cosine);
        HttpJson.Response euclidean = HttpJson.post(url + "/search", Map.of("vector", huge, "metric", "euclidean"));
        assertEquals(400, euclidean.status(), String.valueOf(euclidean.json()));
        assertTrue(euclidean.json().get("message").asText().contains("too long"), euclidean.json().toString());
    }

    @Test
    @Order(5)
    void row5HealthSaysDegradedAndNotReadyWhileTheRegistryIsStoppedAndRunningAgainAfter() throws Exception {
        awaitHealth("running", 200);
        List<ProcessHandle> registry = registryProcesses();
        assertFalse(registry.isEmpty(), "the embedded registry runs as a child process");
        signal("STOP", registry);
        try {
            JsonNode degraded = awaitHealth("degraded", 503);
            assertTrue(degraded.get("reasons").toString().contains("schema registry"), degraded.toString());
            assertFalse(degraded.get("checks").get("registry").get("reachable").asBoolean());
            assertEquals(200, HttpJson.get(url + "/health").status(), "alive while degraded: a restart would not help");
        } finally {
            signal("CONT", registry);
        }
        awaitHealth("running", 200);
    }

    /** Waits until /health says {@code status} and /ready answers {@code readyStatus}; the /ready body. */
    private static JsonNode awaitHealth(String status, int readyStatus) {
        JsonNode[] last = new JsonNode[1];
        Eventually.await(DEADLINE, "/health " + status + " and /ready " + readyStatus, () -> {
            try {
                HttpJson.Response ready = HttpJson.get(url + "/ready");
                last[0] = ready.json();
                return ready.status() == readyStatus && status.equals(ready.json().get("status").asText())
                        && status.equals(HttpJson.get(url + "/health").json().get("status").asText());
            } catch (Exception e) {
                return false;
            }
        });
        return last[0];
    }

    /** The registry child and what it started, found by the port in its command line. */
    private static List<ProcessHandle> registryProcesses() {
        int port = URI.create(pipeline.endpoints().schemaRegistryUrl()).getPort();
        return ProcessHandle.current().descendants()
                .filter(p -> p.info().commandLine().orElse("").contains("-Dquarkus.http.port=" + port))
                .toList();
    }

    private static void signal(String signal, List<ProcessHandle> processes) throws IOException, InterruptedException {
        for (ProcessHandle p : processes) {
            Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(p.pid())).inheritIO().start();
            assertEquals(0, kill.waitFor(), "kill -" + signal + " " + p.pid());
        }
    }
}
