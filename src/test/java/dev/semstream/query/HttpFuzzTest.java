package dev.semstream.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.semstream.app.AppSettings;
import dev.semstream.app.Pipeline;
import dev.semstream.model.Encoder;
import dev.semstream.model.EncoderOptions;
import dev.semstream.model.load.EncoderModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The HTTP API under a hostile crowd, on the embedded default: 10,000 requests (override with
 * {@code -Dsemstream.fuzz.requests}) from 200 concurrent clients, most of them malformed in some way
 * ({@link HostileRequests}), while 40 slow clients dribble a request line and 40 more hold idle
 * connections. Nothing may answer 5xx, hang, or answer an error that is not the JSON error contract; the
 * well-formed requests among them must succeed; afterwards a search still finds what it should and the
 * stream thread still runs.
 */
class HttpFuzzTest {
    private static final int REQUESTS = Integer.getInteger("semstream.fuzz.requests", 10_000);
    private static final int CLIENTS = 200;
    private static final int SLOW_CLIENTS = 40;
    private static final int IDLE_CLIENTS = 40;
    /** A complete request not answered in this long counts as a hang. */
    private static final int HANG_MS = 20_000;
    private static final Duration DEADLINE = Duration.ofMinutes(3);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static Pipeline pipeline;
    static String url;
    static InetSocketAddress address;

    @BeforeAll
    static void start() throws Exception {
        Encoder encoder = EncoderModels.encoder(null, EncoderOptions.defaults());
        pipeline = Pipeline.start(AppSettings.embedded(dir).withHttp("localhost", 0)
                .withExtraProperties(Map.of("commit.interval.ms", 100)), encoder, line -> { });
        url = pipeline.endpoints().queryUrl();
        URI uri = URI.create(url);
        address = new InetSocketAddress(uri.getHost(), uri.getPort());
        List<Map<String, Object>> texts = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            texts.add(Map.of("id", "known-" + i, "text", "known text " + i + ": the query is compared with every key"));
        }
        assertEquals(202, HttpJson.post(url + "/texts", Map.of("texts", texts)).status());
        awaitVectors(10);
    }

    @AfterAll
    static void stop() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    /** This pipeline runs no generator: its inspection routes say so, and still inspect the encoder. */
    @Test
    void withoutAGeneratorTheGeneratorsInspectionIs503NoGenerator() throws Exception {
        for (Map<String, Object> body : List.<Map<String, Object>>of(Map.of("prompt", "the"),
                Map.of("text", "the", "model", "generator"))) {
            String route = body.containsKey("prompt") ? "/inspect/next-token" : "/inspect/attention";
            HttpJson.Response r = HttpJson.post(url + route, body);
            assertEquals(503, r.status(), String.valueOf(r.json()));
            assertEquals("no_generator", r.json().get("error").asText());
        }
        HttpJson.Response tokens = HttpJson.post(url + "/inspect/tokens", Map.of("text", "the"));
        assertEquals(200, tokens.status(), String.valueOf(tokens.json()));
        assertTrue(tokens.json().get("generator").isNull());
        assertEquals(3, tokens.json().get("encoder").get("tokens").size());
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void aHostileCrowdGetsJsonErrorsAndNeverStopsTheApi() throws Exception {
        HostileRequests hostile = new HostileRequests(address.getHostString() + ":" + address.getPort());
        List<Socket> held = holdSlowAndIdleConnections();
        Map<Integer, LongAdder> byStatus = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        LongAdder closed = new LongAdder();
        AtomicLong next = new AtomicLong();
        AtomicLong slowest = new AtomicLong();
        long start = System.nanoTime();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        for (int c = 0; c < CLIENTS; c++) {
            clients.submit(() -> {
                for (long seed; (seed = next.getAndIncrement()) < REQUESTS; ) {
                    HostileRequests.Hostile request = hostile.make(seed);
                    try {
                        RawHttp.Attempt attempt = RawHttp.attempt(address, request.bytes(), request.halfClose(), HANG_MS);
                        slowest.accumulateAndGet(attempt.millis(), Math::max);
                        if (attempt.outcome() == RawHttp.Outcome.CLOSED) {
                            closed.increment();
                        } else if (attempt.outcome() == RawHttp.Outcome.ANSWERED) {
                            byStatus.computeIfAbsent(attempt.answer().status(), s -> new LongAdder()).increment();
                        }
                        String wrong = judge(request, attempt);
                        if (wrong != null) {
                            failures.add("request " + seed + " (" + request.kind() + "): " + wrong);
                        }
                    } catch (IOException | RuntimeException e) {
                        failures.add("request " + seed + " (" + request.kind() + "): client failed: " + e);
                    }
                }
            });
        }
        clients.shutdown();
        assertTrue(clients.awaitTermination(8, TimeUnit.MINUTES), "the fuzz did not finish in 8 minutes");
        double seconds = (System.nanoTime() - start) / 1e9;

        // The slow and idle clients are still connected: the API answers anyway.
        assertEquals(200, HttpJson.get(url + "/health").status(), "the API with " + held.size() + " slow clients held");
        for (Socket s : held) {
            s.close();
        }
        Map<Integer, Long> statuses = new TreeMap<>();
        byStatus.forEach((s, n) -> statuses.put(s, n.sum()));
        System.out.printf("HTTP fuzz: %,d requests from %d clients in %.1f s (slowest answer %d ms), %d slow and %d idle"
                        + " connections held; answered by status %s; closed without an answer %d (half-open only);"
                        + " failures %d%n", REQUESTS, CLIENTS, seconds, slowest.get(), SLOW_CLIENTS, IDLE_CLIENTS,
                statuses, closed.sum(), failures.size());
        Map<String, List<String>> failuresByKind = new TreeMap<>();
        failures.forEach(f -> failuresByKind.computeIfAbsent(f.substring(f.indexOf('(') + 1, f.indexOf(')')),
                k -> new ArrayList<>()).add(f));
        StringBuilder summary = new StringBuilder();
        failuresByKind.forEach((kind, list) -> summary.append("\n").append(list.size()).append(" x ").append(kind)
                .append(", e.g. ").append(list.get(0)));
        assertTrue(failures.isEmpty(), failures.size() + " wrong answers:" + summary);

        // Afterwards: a search still finds what it should, and the stream thread still runs.
        JsonNode stored = HttpJson.get(url + "/embeddings/known-3").json();
        JsonNode hits = HttpJson.post(url + "/search", Map.of("vector", stored.get("vector"), "k", 1, "exact", true,
                "metric", "cosine")).json().get("hits");
        assertEquals("known-3", hits.get(0).get("id").asText(), String.valueOf(hits));
        assertTrue(hits.get(0).get("score").asDouble() > 0.9999, String.valueOf(hits));
        assertNull(pipeline.failure(), "the pipeline failed");
    }

    /** Null when the answer is right for the request, else what is wrong with it. */
    private static String judge(HostileRequests.Hostile request, RawHttp.Attempt attempt) {
        switch (attempt.outcome()) {
            case HUNG -> {
                return "no answer and no close in " + HANG_MS + " ms";
            }
            case CLOSED -> {
                return request.complete() ? "closed without an answer" : null;
            }
            default -> {
            }
        }
        RawHttp.Answer answer = attempt.answer();
        int status = answer.status();
        if (status == 505 && request.kind().equals("request line: garbage")) {
            // HTTP's own answer to a request line naming a version it does not speak (HTTP/9.9): the
            // client's mistake, answered in the error contract, not a failure of the server.
            return jsonError(answer, request);
        }
        if (status >= 500) {
            return status + " " + abbreviate(answer.body());
        }
        if (request.kind().startsWith("good") && status / 100 != 2) {
            return "a good request answered " + status + " " + abbreviate(answer.body());
        }
        if (status >= 400) {
            return jsonError(answer, request);
        }
        if (request.kind().equals("huge vector") && status == 200) {
            return finiteScores(answer);
        }
        return null;
    }

    /**
     * The error contract: a JSON object with error, message and status, sent as application/json (an answer
     * to HEAD has the headers of one and, as HTTP requires, no body).
     */
    private static String jsonError(RawHttp.Answer answer, HostileRequests.Hostile request) {
        String type = String.valueOf(answer.header("content-type"));
        if (!type.startsWith("application/json")) {
            return answer.status() + " as " + type + ": " + abbreviate(answer.body());
        }
        if (request.head()) {
            return answer.body().isEmpty() ? null : "a HEAD answered with a body";
        }
        try {
            JsonNode body = JSON.readTree(answer.body());
            if (body == null || !body.path("error").isTextual() || !body.path("message").isTextual()
                    || body.path("status").asInt() != answer.status()) {
                return answer.status() + " without the error contract: " + abbreviate(answer.body());
            }
            return null;
        } catch (IOException e) {
            return answer.status() + " with a body that is not JSON: " + abbreviate(answer.body());
        }
    }

    /** A search that was answered must score with numbers, never NaN, infinities or strings. */
    private static String finiteScores(RawHttp.Answer answer) {
        try {
            for (JsonNode hit : JSON.readTree(answer.body()).path("hits")) {
                JsonNode score = hit.get("score");
                if (score == null || !score.isNumber() || !Double.isFinite(score.asDouble())) {
                    return "a hit scored " + score;
                }
            }
            return null;
        } catch (IOException e) {
            return "200 with a body that is not JSON: " + abbreviate(answer.body());
        }
    }

    /** Slow clients send a request line and then a header byte a second; idle ones connect and send nothing. */
    private static List<Socket> holdSlowAndIdleConnections() throws IOException {
        List<Socket> held = new ArrayList<>();
        for (int i = 0; i < SLOW_CLIENTS + IDLE_CLIENTS; i++) {
            Socket s = new Socket();
            s.connect(address, 5_000);
            held.add(s);
            if (i < SLOW_CLIENTS) {
                s.getOutputStream().write("GET /health HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
            }
        }
        Thread dribble = new Thread(() -> {
            try {
                while (!held.get(0).isClosed()) {
                    for (Socket s : held.subList(0, SLOW_CLIENTS)) {
                        try {
                            OutputStream out = s.getOutputStream();
                            out.write('X');
                            out.flush();
                        } catch (IOException e) {
                            // the server closed a slow client, as it may
                        }
                    }
                    Thread.sleep(1_000); // the pace of a slow client, not a wait for an outcome
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "slow-clients");
        dribble.setDaemon(true);
        dribble.start();
        return held;
    }

    private static void awaitVectors(int n) throws Exception {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        int seen = -1;
        while (System.nanoTime() < deadline) {
            HttpJson.Response health = HttpJson.get(url + "/health");
            seen = health.json() == null ? -1 : health.json().path("vectors").asInt(-1);
            if (seen == n) {
                return;
            }
            Thread.sleep(50); // a poll interval under a deadline
        }
        throw new AssertionError("the store holds " + seen + " vectors, not " + n + ", after " + DEADLINE);
    }

    private static String abbreviate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }
}
