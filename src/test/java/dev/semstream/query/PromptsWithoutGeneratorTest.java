package dev.semstream.query;

import dev.semstream.embedded.EmbeddedKafka;
import dev.semstream.topology.TopicDefinitions;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code POST /prompts} with nothing reading the prompts topic is a 503 no_generator within seconds, not a
 * 202 for a prompt nobody answers. The broker alone: the check comes before the registry is needed.
 */
class PromptsWithoutGeneratorTest {
    @TempDir
    Path dir;

    @Test
    void noGeneratorIsA503() {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"))) {
            try (Admin admin = Admin.create(kafka.adminConfig())) {
                TopicDefinitions.load().ensureTopics(admin);
            }
            Map<String, Object> props = Map.of("bootstrap.servers", kafka.bootstrapServers(),
                    "schema.registry.url", "http://127.0.0.1:9");
            try (Prompts prompts = new Prompts(props, "semstream.prompts")) {
                long start = System.nanoTime();
                ApiException e = assertThrows(ApiException.class,
                        () -> prompts.submit(Json.parse("{\"text\": \"hello\"}".getBytes())));
                assertEquals(503, e.status());
                assertEquals("no_generator", e.error());
                assertTrue(e.getMessage().contains("semstream run --generator-model DIR"), e.getMessage());
                assertTrue(System.nanoTime() - start < 15_000_000_000L, "within seconds");
            }
        }
    }
}
