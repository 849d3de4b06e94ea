package dev.semstream.app;

import dev.semstream.model.EncoderOptions;
import dev.semstream.model.load.EncoderModels;
import dev.semstream.topology.InputFormat;
import dev.semstream.topology.TextEventWriter;
import dev.semstream.topology.TextEvents;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The console while {@code run} runs: a status line every interval with texts/s, lag, dead letters since
 * start and vectors, and one line the first time each dead-letter reason is seen (not one per dead letter).
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class StatusLineTest {
    static final Duration DEADLINE = Duration.ofMinutes(2);

    @TempDir
    static Path dataDir;
    static Pipeline app;

    @BeforeAll
    static void start() throws Exception {
        app = EmbedderPipelineContract.started(AppSettings.embedded(dataDir),
                EncoderModels.encoder(null, EncoderOptions.defaults()));
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void statusLinesCountTextsDeadLettersAndVectorsAndEachNewReasonIsSaidOnce() throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        try (StatusLine status = app.statusLine(Duration.ofMillis(300), lines::add)) {
            dev.semstream.embedded.Eventually.await(DEADLINE, "a first status line", () -> !lines.isEmpty());
            assertTrue(lines.get(0).matches("0\\.0 texts/s, lag 0, 0 dead letters since start, 0 vectors"), lines.get(0));

            Map<String, Object> client = Map.of("bootstrap.servers", app.endpoints().bootstrapServers(),
                    "schema.registry.url", app.endpoints().schemaRegistryUrl());
            String texts = app.topics().name("texts");
            try (KafkaProducer<String, byte[]> raw = new KafkaProducer<>(client, new StringSerializer(),
                    new ByteArraySerializer())) {
                raw.send(new ProducerRecord<>(texts, "junk-1", "not avro".getBytes(StandardCharsets.UTF_8))).get();
                raw.send(new ProducerRecord<>(texts, "junk-2", "nor this".getBytes(StandardCharsets.UTF_8))).get();
            }
            try (TextEventWriter writer = TextEventWriter.connect(client, texts, InputFormat.AVRO)) {
                writer.send(TextEvents.of("good-1", "A good text after two bad ones.", Map.of())).get();
            }
            dev.semstream.embedded.Eventually.await(DEADLINE, "a status line with both dead letters and the vector",
                    () -> lines.stream().anyMatch(l -> l.endsWith("lag 0, 2 dead letters since start, 1 vectors")));
        }
        List<String> reasons = lines.stream().filter(l -> l.startsWith("dead letter")).toList();
        assertEquals(1, reasons.size(), "one line for the first UNDECODABLE, none for the second: " + lines);
        assertTrue(reasons.get(0).startsWith("dead letter, first of its kind: UNDECODABLE: "), reasons.get(0));
        assertTrue(reasons.get(0).contains(app.topics().name("dlq")), reasons.get(0));
        assertTrue(lines.stream().anyMatch(l -> l.matches("[1-9][0-9.]* texts/s, .*")), "some texts/s seen: " + lines);
    }
}
