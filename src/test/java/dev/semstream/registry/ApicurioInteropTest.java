package dev.semstream.registry;

import dev.semstream.avro.Embedding;
import dev.semstream.avro.TextEvent;
import dev.semstream.embedded.EmbeddedSchemaRegistry;
import io.apicurio.registry.serde.SerdeConfig;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerdeConfig;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * Our serdes and Apicurio's own, in its Confluent mode, read each other's records: evidence that both speak the
 * same wire format and agree on subjects and ids, not just that our serializer and deserializer agree with each
 * other. Apicurio's serdes talk to the registry's native v2 API, ours to its Confluent-compatible one.
 */
class ApicurioInteropTest {
    static EmbeddedSchemaRegistry registry;
    static SchemaRegistryClient client;

    @BeforeAll
    static void startRegistry() {
        registry = EmbeddedSchemaRegistry.start();
        System.out.println("schema registry started in " + registry.startupTime().toMillis() + " ms");
        client = new SchemaRegistryClient(registry.url());
        // Apicurio's serdes look our classes up by schema name, which Avro 1.12 refuses for untrusted classes;
        // grant them the trust our own deserializer grants itself.
        TrustedAvroClasses.trust(TextEvent.class, TextEvent.getClassSchema());
        TrustedAvroClasses.trust(Embedding.class, Embedding.getClassSchema());
    }

    @AfterAll
    static void stopRegistry() {
        if (registry != null) registry.close();
    }

    /** Apicurio serdes in Confluent mode: id in the payload (not in headers), 4 bytes, and the content id the ccompat API hands out. */
    static Map<String, Object> apicurioConfluentMode() {
        Map<String, Object> config = new HashMap<>();
        config.put(SerdeConfig.REGISTRY_URL, registry.apicurioUrl());
        config.put(SerdeConfig.ENABLE_CONFLUENT_ID_HANDLER, true);
        config.put(SerdeConfig.USE_ID, "contentId");
        config.put(SerdeConfig.ENABLE_HEADERS, false);
        config.put(SerdeConfig.AUTO_REGISTER_ARTIFACT, true);
        config.put(AvroKafkaSerdeConfig.USE_SPECIFIC_AVRO_READER, true);
        return config;
    }

    @Test
    void apicurioReadsWhatWeWrite() {
        byte[] bytes = new AvroSerializer<TextEvent>(client).serialize("ours-to-theirs", AvroSerdeTest.textEvent());
        try (AvroKafkaDeserializer<TextEvent> theirs = new AvroKafkaDeserializer<>()) {
            theirs.configure(apicurioConfluentMode(), false);
            // Headers given but empty, as a consumer of a record without Apicurio's headers would pass them.
            assertEquals(AvroSerdeTest.textEvent(), theirs.deserialize("ours-to-theirs", new RecordHeaders(), bytes));
            assertEquals(AvroSerdeTest.textEvent(), theirs.deserialize("ours-to-theirs", bytes));
        }
    }

    @Test
    void weReadWhatApicurioWrites() throws Exception {
        // Apicurio gives new content a content id equal to its global id, so a serde writing the wrong kind of id
        // would pass by luck. Content registered before, under another subject, keeps its old content id while the
        // new registration gets a new global id: then only the content id reads back through the ccompat API.
        client.register("embeddings-elsewhere-value", Embedding.getClassSchema());
        byte[] bytes;
        try (AvroKafkaSerializer<Embedding> theirs = new AvroKafkaSerializer<>()) {
            theirs.configure(apicurioConfluentMode(), false);
            bytes = theirs.serialize("theirs-to-ours", new RecordHeaders(), AvroSerdeTest.embedding());
        }
        assertEquals(0, bytes[0], "Confluent magic byte");
        assertEquals(client.latest("theirs-to-ours-value").id(), ByteBuffer.wrap(bytes, 1, 4).getInt(),
                "Apicurio registered under our subject name and wrote the id the ccompat API knows");
        assertEquals(AvroSerdeTest.embedding(), new AvroDeserializer<>(client, Embedding.class).deserialize("theirs-to-ours", bytes));
        assertNotEquals(globalId("theirs-to-ours-value"), ByteBuffer.wrap(bytes, 1, 4).getInt(),
                "the wire carries the content id, not the global id");
    }

    /** The artifact's global id, from Apicurio's native API (the ccompat API only shows content ids). */
    static int globalId(String artifact) throws Exception {
        HttpResponse<String> meta = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(registry.apicurioUrl() + "/groups/default/artifacts/" + artifact + "/meta")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, meta.statusCode(), meta.body());
        return new ObjectMapper().readTree(meta.body()).get("globalId").asInt();
    }
}
