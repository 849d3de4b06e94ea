package dev.semstream.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.streams.state.HostInfo;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** Calls other instances' internal endpoints, each call with a deadline so a slow instance cannot hang a query. */
final class PeerClient {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    /** Instances share the API token; a peer bound beyond loopback wants it on internal calls too. */
    private final String apiToken;

    /** @param apiToken the API token, or null for none */
    PeerClient(String apiToken) {
        this.apiToken = apiToken;
    }

    private HttpRequest.Builder request(String url, Duration timeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(timeout);
        return apiToken == null ? b : b.header("Authorization", "Bearer " + apiToken);
    }

    static String address(HostInfo host) {
        return host.host() + ":" + host.port();
    }

    /** The peer's local answer; fails (exceptionally) if it does not answer in time or answers an error. */
    CompletableFuture<LocalAnswer> search(HostInfo host, ObjectNode body, Duration timeout) {
        return post(host, "/internal/search", body, timeout).thenApply(HitJson::readAnswer);
    }

    /** {@code POST /internal/map/sample}: the peer's share of the map's sample. */
    CompletableFuture<JsonNode> mapSample(HostInfo host, ObjectNode body, Duration timeout) {
        return post(host, "/internal/map/sample", body, timeout);
    }

    /** {@code POST /internal/map/points}: the peer's vectors placed on the map's axes. */
    CompletableFuture<JsonNode> mapPoints(HostInfo host, ObjectNode body, Duration timeout) {
        return post(host, "/internal/map/points", body, timeout);
    }

    /** {@code GET /internal/console/status}: the peer's own status. */
    CompletableFuture<JsonNode> consoleStatus(HostInfo host, Duration timeout) {
        return answer(host, request("http://" + address(host) + "/internal/console/status", timeout).GET().build());
    }

    /** A POST of JSON to an internal endpoint: its JSON, or failed if the peer answers an error. */
    private CompletableFuture<JsonNode> post(HostInfo host, String path, ObjectNode body, Duration timeout) {
        return answer(host, request("http://" + address(host) + path, timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.bytes(body))).build());
    }

    private CompletableFuture<JsonNode> answer(HostInfo host, HttpRequest request) {
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).thenApply(response -> {
            JsonNode json = Json.parse(response.body());
            if (response.statusCode() != 200) {
                throw new ApiException(response.statusCode(), json.path("error").asText("peer_error"),
                        address(host) + ": " + json.path("message").asText());
            }
            return json;
        });
    }

    /** The embedding of the id if the peer holds it, empty if it does not. */
    Optional<JsonNode> embedding(HostInfo host, String id, boolean stale, Duration timeout) throws Exception {
        HttpRequest request = request("http://" + address(host) + "/internal/embeddings/"
                        + URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20") + "?stale=" + stale, timeout)
                .GET().build();
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        JsonNode json = Json.parse(response.body());
        if (response.statusCode() != 200) {
            throw new ApiException(response.statusCode(), json.path("error").asText("peer_error"),
                    address(host) + ": " + json.path("message").asText());
        }
        return Optional.of(json);
    }
}
