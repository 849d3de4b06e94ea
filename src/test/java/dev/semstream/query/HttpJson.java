package dev.semstream.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A test's HTTP client for the API: JSON in, status and JSON out, and the search call the tests share. */
public final class HttpJson {
    static final ObjectMapper MAPPER = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public record Response(int status, JsonNode json) {
    }

    private HttpJson() {
    }

    public static Response post(String url, Object body) throws Exception {
        byte[] bytes = body instanceof String s ? s.getBytes(java.nio.charset.StandardCharsets.UTF_8)
                : body instanceof byte[] b ? b : MAPPER.writeValueAsBytes(body);
        return send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)));
    }

    /** POST /search, which must answer 200; the answer's JSON. */
    static JsonNode search(String url, Map<String, Object> body) throws Exception {
        Response r = post(url + "/search", body);
        assertEquals(200, r.status(), String.valueOf(r.json()));
        return r.json();
    }

    /** The ids of a search answer's hits, best first. */
    static List<String> hitIds(JsonNode result) {
        List<String> ids = new ArrayList<>();
        result.get("hits").forEach(h -> ids.add(h.get("id").asText()));
        return ids;
    }

    public static Response get(String url) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(url)).GET());
    }

    public static Response delete(String url) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(url)).DELETE());
    }

    private static Response send(HttpRequest.Builder request) throws Exception {
        HttpResponse<byte[]> r = HTTP.send(request.timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        return new Response(r.statusCode(), r.body().length == 0 ? null : MAPPER.readTree(r.body()));
    }

    /** GETs {@code url} until it answers 200 with JSON that meets {@code condition}, polling under {@code deadline}. */
    public static JsonNode awaitJson(String url, Duration deadline, java.util.function.Predicate<JsonNode> condition)
            throws Exception {
        long end = System.nanoTime() + deadline.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < end) {
            Response r = get(url);
            last = r.json();
            if (r.status() == 200 && condition.test(last)) {
                return last;
            }
            Thread.sleep(50); // a poll interval under the deadline, leaving the cores to the pipeline
        }
        throw new AssertionError(url + " did not reach the condition in " + deadline + "; last: " + last);
    }
}
