package dev.semstream.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.semstream.topology.ContextRetriever;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Retrieval for the generator through the similarity API of an embedder instance, which fans out to every
 * instance: the generator scales apart from the embedder and still sees every stored text.
 */
public final class ApiContextRetriever implements ContextRetriever {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String apiUrl;

    /** @param apiUrl an embedder instance's HTTP API, e.g. {@code http://localhost:7070} */
    public ApiContextRetriever(String apiUrl) {
        this.apiUrl = apiUrl;
    }

    @Override
    public List<Passage> nearest(String text, int k) {
        ObjectNode body = Json.newObject().put("text", text).put("k", k);
        HttpResponse<byte[]> response;
        try {
            response = http.send(HttpRequest.newBuilder(URI.create(apiUrl + "/search")).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(Json.bytes(body))).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while searching " + apiUrl);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("the similarity API at " + apiUrl + " did not answer: " + e.getMessage(), e);
        }
        JsonNode json = Json.parse(response.body());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("the similarity API at " + apiUrl + " answered " + response.statusCode()
                    + ": " + json.path("message").asText());
        }
        List<Passage> passages = new ArrayList<>();
        for (JsonNode hit : json.get("hits")) {
            passages.add(new Passage(hit.get("id").asText(), hit.get("text").asText(), hit.get("score").asDouble()));
        }
        return passages;
    }
}
