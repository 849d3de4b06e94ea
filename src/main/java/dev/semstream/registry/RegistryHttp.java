package dev.semstream.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One JSON request/response exchange with the registry, with basic auth, timeouts and retries. Knows nothing
 * of the API's endpoints; {@link SchemaRegistryClient} does.
 *
 * <p>Retried: connection failures, timeouts, 5xx and 429, which are what a restarting or overloaded registry
 * produces. Never retried: other 4xx, because asking again the same wrong question gets the same answer.
 */
final class RegistryHttp {
    static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SchemaRegistryClientConfig config;
    private final HttpClient http;
    private final String authorization;

    RegistryHttp(SchemaRegistryClientConfig config) {
        this.config = config;
        this.http = HttpClient.newBuilder().connectTimeout(config.connectTimeout()).build();
        this.authorization = config.userInfo() == null ? null
                : "Basic " + Base64.getEncoder().encodeToString(config.userInfo().getBytes(StandardCharsets.UTF_8));
    }

    String url() {
        return config.url();
    }

    /** GETs {@code path} (relative to the base URL, starting with '/') and returns the JSON answer. */
    JsonNode get(String path) {
        return send("GET", path, null);
    }

    JsonNode post(String path, Object body) {
        return send("POST", path, body);
    }

    JsonNode put(String path, Object body) {
        return send("PUT", path, body);
    }

    private JsonNode send(String method, String path, Object body) {
        HttpRequest request = request(method, path, body);
        long start = System.nanoTime();
        long deadline = start + config.maxRetryTime().toNanos();
        Duration backoff = config.initialBackoff();
        for (int attempt = 1; ; attempt++) {
            SchemaRegistryException failure;
            try {
                config.requestObserver().accept(request);
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                if (response.statusCode() / 100 == 2) return parse(response.body());
                failure = error(response);
                if (!retryable(response.statusCode())) throw failure;
            } catch (IOException e) {
                failure = new SchemaRegistryException(url(), 0, 0,
                        "cannot " + method + " " + path + ": " + describe(e), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SchemaRegistryException(url(), 0, 0, "interrupted during " + method + " " + path, e);
            }
            long pause = jittered(backoff);
            if (attempt >= config.maxAttempts() || System.nanoTime() + pause > deadline) {
                throw new SchemaRegistryException(url(), failure.status(), failure.errorCode(),
                        failure.registryMessage() + " (gave up after " + attempt + " attempt" + (attempt == 1 ? "" : "s")
                                + " in " + Duration.ofNanos(System.nanoTime() - start).toMillis() + " ms)", failure.getCause());
            }
            pause(pause, method, path);
            backoff = min(backoff.multipliedBy(2), config.maxBackoff());
        }
    }

    private HttpRequest request(String method, String path, Object body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + path))
                .timeout(config.requestTimeout())
                .header("Accept", CONTENT_TYPE + ", application/json");
        if (authorization != null) b.header("Authorization", authorization);
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", CONTENT_TYPE);
            try {
                b.method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot write request body as JSON: " + body, e);
            }
        }
        return b.build();
    }

    private static boolean retryable(int status) {
        return status >= 500 || status == 429;
    }

    /** The registry's {@code {"error_code":..,"message":..}}, or the status and the start of the body if it sent none. */
    private SchemaRegistryException error(HttpResponse<String> response) {
        int status = response.statusCode();
        String path = response.request().method() + " " + response.request().uri().getRawPath();
        try {
            JsonNode json = JSON.readTree(response.body());
            if (json != null && json.hasNonNull("message")) {
                return new SchemaRegistryException(url(), status, json.path("error_code").asInt(0), json.get("message").asText());
            }
        } catch (IOException notJson) {
            // A proxy's HTML error page, say: fall through and quote it.
        }
        String text = response.body() == null ? "" : response.body().strip();
        if (text.length() > 200) text = text.substring(0, 200) + "...";
        return new SchemaRegistryException(url(), status, 0, path + " failed" + (text.isEmpty() ? "" : ": " + text));
    }

    private JsonNode parse(String body) {
        try {
            return JSON.readTree(body.isEmpty() ? "null" : body);
        } catch (IOException e) {
            throw new SchemaRegistryException(url(), 0, 0, "answer is not JSON: " + body, e);
        }
    }

    private static String describe(IOException e) {
        String name = e.getClass().getSimpleName();
        return e.getMessage() == null ? name : name + " " + e.getMessage();
    }

    /** Between half and all of the backoff, so clients that failed together do not all retry together. */
    private static long jittered(Duration backoff) {
        long nanos = backoff.toNanos();
        return nanos / 2 + ThreadLocalRandom.current().nextLong(nanos / 2 + 1);
    }

    private void pause(long nanos, String method, String path) {
        try {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryException(url(), 0, 0, "interrupted while retrying " + method + " " + path, e);
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
