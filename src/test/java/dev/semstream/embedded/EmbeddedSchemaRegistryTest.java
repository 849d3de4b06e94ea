package dev.semstream.embedded;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Start, answer, stop; and a clear error when the distribution is missing. */
class EmbeddedSchemaRegistryTest {

    @Test
    void startsAnswersAndStopsForGood() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest subjects;
        try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start()) {
            System.out.println("schema registry started in " + registry.startupTime().toMillis() + " ms");
            assertTrue(registry.url().matches("http://127\\.0\\.0\\.1:\\d+/apis/ccompat/v7"), registry.url());
            subjects = HttpRequest.newBuilder(URI.create(registry.url() + "/subjects")).build();
            HttpResponse<String> answer = http.send(subjects, HttpResponse.BodyHandlers.ofString());
            assertEquals(200, answer.statusCode());
            assertEquals("[]", answer.body().strip(), "a fresh in-memory registry is empty");
            assertTrue(Files.size(registry.log()) > 0, "the registry logs to its file");
            // Apicurio's own admin API (export, import, log levels, global rules) and its UI are turned off:
            // any local web page could otherwise reach them without credentials. Its native v2 artifact API
            // stays, for Apicurio's own serdes.
            String base = registry.url().replace("/apis/ccompat/v7", "");
            for (String path : new String[] {"/apis/registry/v2/admin/rules", "/apis/registry/v2/admin/export",
                    "/apis/registry/v2/admin/loggers", "/ui/"}) {
                int status = http.send(HttpRequest.newBuilder(URI.create(base + path)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
                assertTrue(status == 404 || status == 405, path + " answered " + status);
            }
            assertEquals(200, http.send(HttpRequest.newBuilder(URI.create(registry.apicurioUrl() + "/search/artifacts"))
                    .build(), HttpResponse.BodyHandlers.discarding()).statusCode(), "the native artifact API");
            registry.close();
            assertFalse(registry.isAlive());
        }
        assertThrows(ConnectException.class, () -> http.send(subjects, HttpResponse.BodyHandlers.discarding()));
    }

    @Test
    void aRegistryWithAWorkDirKeepsItsSchemasAndIdsAcrossARestart(@TempDir Path dir) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String registered;
        try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(dir, Duration.ofMinutes(2))) {
            HttpRequest post = HttpRequest.newBuilder(URI.create(registry.url() + "/subjects/texts-value/versions"))
                    .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"schema\":\"{\\\"type\\\":\\\"string\\\"}\"}"))
                    .build();
            registered = http.send(post, HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(registered.contains("\"id\""), registered);
        }
        try (EmbeddedSchemaRegistry again = EmbeddedSchemaRegistry.start(dir, Duration.ofMinutes(2))) {
            String id = registered.replaceAll("[^0-9]", "");
            HttpResponse<String> schema = http.send(HttpRequest.newBuilder(URI.create(again.url() + "/schemas/ids/" + id))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, schema.statusCode(), schema.body());
            assertTrue(schema.body().contains("string"), schema.body());
            HttpResponse<String> subjects = http.send(HttpRequest.newBuilder(URI.create(again.url() + "/subjects"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals("[\"texts-value\"]", subjects.body().strip());
        }
    }

    @Test
    void aMissingDistributionIsAClearError() throws IOException {
        String before = System.getProperty(EmbeddedSchemaRegistry.ZIP_PROPERTY);
        Path missing = Files.createTempDirectory("no-registry").resolve("nothing.zip");
        System.setProperty(EmbeddedSchemaRegistry.ZIP_PROPERTY, missing.toString());
        try {
            IllegalStateException e = assertThrows(IllegalStateException.class, EmbeddedSchemaRegistry::start);
            assertEquals(EmbeddedSchemaRegistry.ZIP_PROPERTY + " names " + missing + ", which does not exist", e.getMessage());
        } finally {
            if (before == null) System.clearProperty(EmbeddedSchemaRegistry.ZIP_PROPERTY);
            else System.setProperty(EmbeddedSchemaRegistry.ZIP_PROPERTY, before);
        }
    }
}
