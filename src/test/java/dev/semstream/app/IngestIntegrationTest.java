package dev.semstream.app;

import dev.semstream.avro.Embedding;
import dev.semstream.model.Encoder;
import dev.semstream.model.EncoderOptions;
import dev.semstream.model.load.EncoderModels;
import dev.semstream.query.HttpJson;
import dev.semstream.topology.EmbedderConfig;
import dev.semstream.topology.InputFormat;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The two ways users write texts, {@code POST /texts} and {@code produce}, against one pipeline per input
 * format (run --input-format AVRO, JSON, TEXT) on the embedded broker and registry: the AVRO pipeline
 * starts them, the other two join with topics and an application id of their own. A text without an id gets
 * the same id either way, the first 16 hex digits of its SHA-256, and reaches the store as it was sent.
 */
class IngestIntegrationTest {
    static final String POSTED = "Posted to the API: attention weighs every token against the others.";
    static final String PRODUCED = "Produced from the command line: queries meet keys, values carry content.";
    static final String WITH_METADATA = "A text with metadata: cosine similarity of two sentences.";
    /** {@code printf '%s' TEXT | sha256sum | cut -c1-16}: the rule as users can check it, not as the code computes it. */
    static final Map<String, String> STABLE_ID = Map.of(POSTED, "847e81c79876f3b2", PRODUCED, "22b3ba10fb2392c9",
            WITH_METADATA, "8ce1a7ec2345be30");

    @TempDir
    static Path dataDirs;
    static final Map<InputFormat, Pipeline> pipelines = new EnumMap<>(InputFormat.class);

    @BeforeAll
    static void startAPipelinePerInputFormat() throws Exception {
        Encoder encoder = EncoderModels.encoder(null, EncoderOptions.defaults());
        Pipeline avro = EmbedderPipelineContract.started(AppSettings.embedded(dir(InputFormat.AVRO))
                .withEmbedder(EmbedderConfig.defaults().withInputFormat(InputFormat.AVRO)).withHttp("localhost", 0), encoder);
        pipelines.put(InputFormat.AVRO, avro);
        for (InputFormat format : List.of(InputFormat.JSON, InputFormat.TEXT)) {
            String name = format.name().toLowerCase(Locale.ROOT);
            AppSettings joined = new AppSettings(avro.endpoints().bootstrapServers(), avro.endpoints().schemaRegistryUrl(),
                    dir(format), null, Map.of(), Map.of(), AppSettings.DEFAULT_APPLICATION_ID + "-" + name, "semstream-" + name,
                    true, EmbedderConfig.defaults().withInputFormat(format), "localhost", 0);
            pipelines.put(format, EmbedderPipelineContract.started(joined, encoder));
        }
    }

    @AfterAll
    static void stop() {
        // The AVRO pipeline last: it runs the broker and the registry the others use.
        for (InputFormat format : List.of(InputFormat.TEXT, InputFormat.JSON, InputFormat.AVRO)) {
            Pipeline app = pipelines.remove(format);
            if (app != null) {
                app.close();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(InputFormat.class)
    void aPostedAndAProducedTextReachTheStoreUnderTheirContentIdsAndADeleteDeletes(InputFormat format) throws Exception {
        Pipeline app = pipelines.get(format);
        HttpJson.Response posted = HttpJson.post(app.endpoints().queryUrl() + "/texts", Map.of("text", POSTED));
        assertEquals(202, posted.status(), String.valueOf(posted.json()));
        assertEquals(STABLE_ID.get(POSTED), posted.json().get("ids").get(0).asText(), "POST /texts: the content id");
        Cli.Run produced = produce(format, PRODUCED);
        assertEquals(0, produced.exit(), produced.err());
        assertEquals(STABLE_ID.get(PRODUCED) + "\n", produced.out(), "produce: the content id");

        for (String text : List.of(POSTED, PRODUCED)) {
            String id = STABLE_ID.get(text);
            EmbedderPipelineContract.waitFor(() -> app.vectorStore().get(id) != null);
            Embedding stored = app.vectorStore().get(id);
            assertEquals(text, stored.getText(), format + ": the text as it was sent, not its encoding");
        }

        HttpJson.Response deleted = HttpJson.delete(app.endpoints().queryUrl() + "/texts/" + STABLE_ID.get(POSTED));
        assertEquals(202, deleted.status(), String.valueOf(deleted.json()));
        EmbedderPipelineContract.waitFor(() -> app.vectorStore().get(STABLE_ID.get(POSTED)) == null);
        assertNotNull(app.vectorStore().get(STABLE_ID.get(PRODUCED)), "only the deleted id is gone");
    }

    @ParameterizedTest
    @EnumSource(value = InputFormat.class, names = {"AVRO", "JSON"})
    void metadataTravelsInAvroAndJson(InputFormat format) throws Exception {
        Pipeline app = pipelines.get(format);
        HttpJson.Response posted = HttpJson.post(app.endpoints().queryUrl() + "/texts",
                Map.of("id", "posted-meta", "text", WITH_METADATA, "metadata", Map.of("lang", "en")));
        assertEquals(202, posted.status(), String.valueOf(posted.json()));
        Cli.Run produced = produce(format, "{\"text\": \"" + WITH_METADATA + "\", \"metadata\": {\"source\": \"cli\"}}");
        assertEquals(0, produced.exit(), produced.err());
        assertEquals(STABLE_ID.get(WITH_METADATA) + "\n", produced.out(), "a JSON line without an id: the content id");

        EmbedderPipelineContract.waitFor(() -> app.vectorStore().get("posted-meta") != null
                && app.vectorStore().get(STABLE_ID.get(WITH_METADATA)) != null);
        assertEquals(Map.of("lang", "en"), app.vectorStore().get("posted-meta").getMetadata());
        assertEquals(Map.of("source", "cli"), app.vectorStore().get(STABLE_ID.get(WITH_METADATA)).getMetadata());
    }

    @Test
    void textInputCannotCarryMetadataSoBothPathsRefuseItAndSendNothing() throws Exception {
        Pipeline app = pipelines.get(InputFormat.TEXT);
        long before = recordsOnTheInputTopic(app);
        HttpJson.Response posted = HttpJson.post(app.endpoints().queryUrl() + "/texts", Map.of("texts", List.of(
                Map.of("id", "plain", "text", "No metadata here."),
                Map.of("id", "refused", "text", WITH_METADATA, "metadata", Map.of("lang", "en")))));
        assertEquals(400, posted.status(), String.valueOf(posted.json()));
        assertEquals("bad_request", posted.json().get("error").asText());
        String message = posted.json().get("message").asText();
        assertTrue(message.contains("TEXT") && message.contains("metadata") && message.contains("'refused'"), message);

        Cli.Run produced = produce(InputFormat.TEXT, "{\"id\": \"refused-cli\", \"text\": \"" + WITH_METADATA
                + "\", \"metadata\": {\"lang\": \"en\"}}");
        assertEquals(1, produced.exit(), produced.out());
        assertTrue(produced.err().contains("metadata") && produced.err().contains("'refused-cli'"), produced.err());
        assertEquals(before, recordsOnTheInputTopic(app), "not even the request's text without metadata was sent");
    }

    /** Every record ever written to the pipeline's input topic (the end offsets' sum: nothing there is deleted). */
    private static long recordsOnTheInputTopic(Pipeline app) {
        String topic = app.topics().name("texts");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                Map.of("bootstrap.servers", app.endpoints().bootstrapServers()), new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private static Cli.Run produce(InputFormat format, String line) {
        Pipeline app = pipelines.get(format);
        return Cli.run("produce", "--data-dir", dir(format).toString(), "--format", format.name(),
                "--topic-prefix", app.topics().prefix(), line);
    }

    private static Path dir(InputFormat format) {
        return dataDirs.resolve(format.name().toLowerCase(Locale.ROOT));
    }
}
