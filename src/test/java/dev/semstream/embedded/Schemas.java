package dev.semstream.embedded;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The few Confluent-API calls the registry tests make: register a schema, look one up by id, list subjects. */
final class Schemas {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private Schemas() {
    }

    /** Registers {@code {"type":"string"}} under {@code subject} and returns its id. */
    static int registerString(String registryUrl, String subject) throws IOException, InterruptedException {
        HttpRequest post = HttpRequest.newBuilder(URI.create(registryUrl + "/subjects/" + subject + "/versions"))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"schema\":\"{\\\"type\\\":\\\"string\\\"}\"}"))
                .build();
        HttpResponse<String> answer = HTTP.send(post, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode(), answer.body());
        assertTrue(answer.body().contains("\"id\""), answer.body());
        return Integer.parseInt(answer.body().replaceAll("[^0-9]", ""));
    }

    /** The schema with this id, failing unless the registry answers 200. */
    static String byId(String registryUrl, int id) throws IOException, InterruptedException {
        HttpResponse<String> answer = get(registryUrl + "/schemas/ids/" + id);
        assertEquals(200, answer.statusCode(), answer.body());
        return answer.body();
    }

    /** Whether {@code /subjects} answers 200 now. */
    static boolean answers(String registryUrl) {
        try {
            return get(registryUrl + "/subjects").statusCode() == 200;
        } catch (IOException notUp) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
