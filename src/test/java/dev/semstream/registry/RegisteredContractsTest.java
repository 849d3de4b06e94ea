package dev.semstream.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.semstream.avro.Completion;
import dev.semstream.avro.Embedding;
import dev.semstream.avro.FinishReason;
import dev.semstream.avro.Prompt;
import dev.semstream.avro.TextEvent;
import dev.semstream.avro.Timings;
import dev.semstream.embedded.EmbeddedSchemaRegistry;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.util.Utf8;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * What semstream registers is exactly {@code schemas/*.avsc}: another client that registers or looks up a file, as
 * Confluent's serializers do, finds the id semstream's serializer writes, and adds no version. Every subject the
 * serializer creates is BACKWARD compatible. The other client here is plain HTTP on the Confluent API and a plain
 * {@link Schema.Parser}, sharing no code with {@link SchemaRegistryClient}.
 */
class RegisteredContractsTest {
    static final String JSON_TYPE = "application/vnd.schemaregistry.v1+json";
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static EmbeddedSchemaRegistry registry;

    @BeforeAll
    static void startRegistry() {
        registry = EmbeddedSchemaRegistry.start();
    }

    @AfterAll
    static void stopRegistry() {
        if (registry != null) registry.close();
    }

    /** One record of each topic's type, written the way the pipeline writes it. */
    static final Map<String, SpecificRecord> RECORDS = Map.of(
            "semstream.texts", AvroSerdeTest.textEvent(),
            "semstream.embeddings", AvroSerdeTest.embedding(),
            "semstream.prompts", Prompt.newBuilder().setPromptId("p-1").setText("Once upon a time").build(),
            "semstream.completions", Completion.newBuilder().setPromptId("p-1").setText(" there was")
                    .setPromptTokens(4).setCompletionTokens(2).setFinishReason(FinishReason.LENGTH).setError(null)
                    .setModelId("gpt2@0").setContextIds(List.of())
                    .setTimings(Timings.newBuilder().setPromptMillis(1).setGenerationMillis(2).setTokensPerSecond(1000).build())
                    .setCompletedAt(Instant.ofEpochMilli(1_700_000_000_000L)).build());

    @Test
    void eachAvscRegistersAndLooksUpAsTheIdThePipelineWrites() throws Exception {
        for (var topic : RECORDS.entrySet()) {
            String subject = topic.getKey() + "-value";
            int written = pipelineSchemaId(topic.getKey(), topic.getValue());
            Path file = Path.of("schemas", topic.getValue().getSchema().getName() + ".avsc");
            // Confluent's Java serializers send the parsed schema's printed form; a script sends the file as it is.
            String parsed = new Schema.Parser().parse(file.toFile()).toString();
            String asWritten = Files.readString(file);
            for (String schema : List.of(parsed, asWritten)) {
                assertEquals(written, post(subject, "", schema).path("id").asInt(-1), "lookup of " + file + " under " + subject);
                assertEquals(written, post(subject, "/versions", schema).path("id").asInt(-1), "registering " + file + " again");
            }
            assertEquals("[1]", get("/subjects/" + encode(subject) + "/versions").toString(), subject + " has one version: the contract");
        }
    }

    @Test
    void subjectsThePipelineCreatesAreBackwardCompatible() throws Exception {
        for (var topic : RECORDS.entrySet()) {
            pipelineSchemaId(topic.getKey(), topic.getValue());
            String subject = topic.getKey() + "-value";
            assertEquals("BACKWARD", get("/config/" + encode(subject)).path("compatibilityLevel").asText(), subject);
        }
        // And the registry holds it to that: a field added without a default cannot be the next TextEvent.
        JsonNode refused = post("semstream.texts-value", "/versions", """
                {"type":"record","name":"TextEvent","namespace":"dev.semstream.avro","fields":[
                 {"name":"id","type":"string"},{"name":"lang","type":"string"}]}""");
        assertEquals(409, refused.path("error_code").asInt(), refused.toString());
    }

    @Test
    void javaReadsStringsFromRecordsWrittenWithThePlainAvsc() throws Exception {
        // A writer in another language has only the .avsc, with no avro.java.string in it.
        Schema plain = new Schema.Parser().parse(Path.of("schemas", "TextEvent.avsc").toFile());
        int id = post("plain-writer-value", "/versions", plain.toString()).path("id").asInt();
        GenericRecord event = new GenericData.Record(plain);
        event.put("id", new Utf8("x-1"));
        event.put("text", new Utf8("written elsewhere"));
        event.put("metadata", Map.of(new Utf8("lang"), new Utf8("en")));
        event.put("eventTime", null);
        TextEvent read = new AvroDeserializer<>(new SchemaRegistryClient(registry.url()), TextEvent.class)
                .deserialize("plain-writer", AvroSerdeTest.frame(id, plain, event));
        assertEquals("x-1", read.getId());
        // Map keys are the case that would fail silently: Utf8 keys are never equal to a String one.
        assertEquals(Map.of("lang", "en"), read.getMetadata());
        read.getMetadata().forEach((k, v) -> assertInstanceOf(String.class, k));
    }

    /** The schema id in the record the pipeline's serde (configured as app/AvroSerdes configures it) writes. */
    @SuppressWarnings("unchecked")
    static <T extends SpecificRecord> int pipelineSchemaId(String topic, T record) {
        AvroSerde<T> serde = new AvroSerde<>((Class<T>) record.getClass());
        serde.configure(Map.of("schema.registry.url", registry.url()), false);
        byte[] bytes = serde.serializer().serialize(topic, record);
        return ByteBuffer.wrap(bytes, 1, 4).getInt();
    }

    static JsonNode post(String subject, String path, String schema) throws IOException, InterruptedException {
        String body = JSON.writeValueAsString(Map.of("schema", schema));
        return send(HttpRequest.newBuilder(URI.create(registry.url() + "/subjects/" + encode(subject) + path))
                .header("Content-Type", JSON_TYPE).POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    static JsonNode get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(registry.url() + path)).build());
    }

    static JsonNode send(HttpRequest request) throws IOException, InterruptedException {
        return JSON.readTree(HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body());
    }

    static String encode(String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8);
    }
}
