package dev.semstream.registry;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * How {@link SchemaRegistryClient} reaches the registry. Start from {@link #of(String)} and adjust with the
 * {@code with*} methods.
 *
 * @param url            base URL of the Confluent-compatible API, may carry a path, e.g.
 *                       {@code http://host:8080/apis/ccompat/v7}
 * @param userInfo       {@code user:password} for HTTP basic auth, or null for none
 * @param connectTimeout TCP connect timeout per attempt
 * @param requestTimeout time allowed for one request's answer, per attempt
 * @param maxAttempts    attempts per call, first one included (connection errors, 5xx and 429 are retried)
 * @param initialBackoff pause before the first retry; doubled before each further one
 * @param maxBackoff     ceiling of that pause
 * @param maxRetryTime   no retry starts later than this after the call began, whatever {@code maxAttempts} says
 * @param requestObserver sees every HTTP request just before it is sent (one call per attempt); for metrics
 *                        and tests, never null
 */
public record SchemaRegistryClientConfig(
        String url,
        String userInfo,
        Duration connectTimeout,
        Duration requestTimeout,
        int maxAttempts,
        Duration initialBackoff,
        Duration maxBackoff,
        Duration maxRetryTime,
        Consumer<HttpRequest> requestObserver) {

    public SchemaRegistryClientConfig {
        Objects.requireNonNull(url, "url");
        if (url.isBlank()) throw new IllegalArgumentException("schema registry url is blank");
        // One trailing slash or none: paths are appended as "/subjects/...".
        while (url.endsWith("/")) url = url.substring(0, url.length() - 1);
        if (userInfo != null && userInfo.isEmpty()) userInfo = null;
        if (userInfo != null && !userInfo.contains(":")) {
            throw new IllegalArgumentException("basic auth user info must be user:password");
        }
        if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(maxRetryTime, "maxRetryTime");
        Objects.requireNonNull(requestObserver, "requestObserver");
    }

    /** Defaults: no auth, 5 s connect, 10 s per request, 5 attempts, 100 ms backoff doubling to 2 s, 15 s overall. */
    public static SchemaRegistryClientConfig of(String url) {
        return new SchemaRegistryClientConfig(url, null, Duration.ofSeconds(5), Duration.ofSeconds(10), 5,
                Duration.ofMillis(100), Duration.ofSeconds(2), Duration.ofSeconds(15), request -> { });
    }

    /** With HTTP basic auth as {@code user:password} (the password may contain ':'); null or empty for none. */
    public SchemaRegistryClientConfig withUserInfo(String userInfo) {
        return new SchemaRegistryClientConfig(url, userInfo, connectTimeout, requestTimeout, maxAttempts,
                initialBackoff, maxBackoff, maxRetryTime, requestObserver);
    }

    /** With these per-attempt connect and request timeouts. */
    public SchemaRegistryClientConfig withTimeouts(Duration connectTimeout, Duration requestTimeout) {
        return new SchemaRegistryClientConfig(url, userInfo, connectTimeout, requestTimeout, maxAttempts,
                initialBackoff, maxBackoff, maxRetryTime, requestObserver);
    }

    /** With this retry budget: attempts per call, backoff start and ceiling, and the time after which no retry starts. */
    public SchemaRegistryClientConfig withRetries(int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration maxRetryTime) {
        return new SchemaRegistryClientConfig(url, userInfo, connectTimeout, requestTimeout, maxAttempts,
                initialBackoff, maxBackoff, maxRetryTime, requestObserver);
    }

    /** With an observer that sees every request attempt just before it is sent. */
    public SchemaRegistryClientConfig withRequestObserver(Consumer<HttpRequest> requestObserver) {
        return new SchemaRegistryClientConfig(url, userInfo, connectTimeout, requestTimeout, maxAttempts,
                initialBackoff, maxBackoff, maxRetryTime, requestObserver);
    }

    /** Hides the password: this record ends up in logs. */
    @Override
    public String toString() {
        return "SchemaRegistryClientConfig[url=" + url + ", auth=" + (userInfo == null ? "none" : "basic")
                + ", connectTimeout=" + connectTimeout + ", requestTimeout=" + requestTimeout
                + ", maxAttempts=" + maxAttempts + ", backoff=" + initialBackoff + ".." + maxBackoff
                + ", maxRetryTime=" + maxRetryTime + "]";
    }
}
