package dev.semstream.registry;

import dev.semstream.avro.Embedding;
import dev.semstream.avro.TextEvent;
import dev.semstream.embedded.EmbeddedSchemaRegistry;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Avro serdes against a real registry: round trips, wire format, evolution and every way a record can be unreadable. */
class AvroSerdeTest {
    static EmbeddedSchemaRegistry registry;
    static SchemaRegistryClient client;

    @BeforeAll
    static void startRegistry() {
        registry = EmbeddedSchemaRegistry.start();
        System.out.println("schema registry started in " + registry.startupTime().toMillis() + " ms");
        client = new SchemaRegistryClient(registry.url());
    }

    @AfterAll
    static void stopRegistry() {
        if (registry != null) registry.close();
    }

    static TextEvent textEvent() {
        return TextEvent.newBuilder().setId("t-1").setText("the cat sat on the mat")
                .setMetadata(Map.of("lang", "en", "source", "test"))
                .setEventTime(Instant.ofEpochMilli(1_700_000_000_123L)).build();
    }

    static Embedding embedding() {
        return Embedding.newBuilder().setId("t-1").setModelId("all-MiniLM-L6-v2@f06bed2e54d1")
                .setVector(List.of(0.6f, -0.8f, 0f)).setDimensions(3).setTokenCount(8).setTruncated(false)
                .setText("the cat sat on the mat").setMetadata(Map.of()).setEventTime(null)
                .setEmbeddedAt(Instant.ofEpochMilli(1_700_000_001_000L)).build();
    }

    @Test
    void textEventRoundTripsInTheConfluentWireFormat() {
        AvroSerde<TextEvent> serde = new AvroSerde<>(client, TextEvent.class);
        byte[] bytes = serde.serializer().serialize("texts", textEvent());
        assertEquals(0, bytes[0], "magic byte");
        int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
        assertEquals(client.latest("texts-value").id(), id, "the id of the schema registered under <topic>-value");
        assertEquals(PortableSchema.of(TextEvent.getClassSchema()), client.schemaById(id), "the contract, not the class's Java flavour");
        assertEquals(textEvent(), serde.deserializer().deserialize("texts", bytes));
    }

    @Test
    void aStringThatIsNotUtf8FailsTheRecordInsteadOfBecomingReplacementCharacters() {
        AvroSerde<TextEvent> serde = new AvroSerde<>(client, TextEvent.class);
        TextEvent event = TextEvent.newBuilder().setId("bad-utf8").setText("ab").setMetadata(Map.of())
                .setEventTime(null).build();
        byte[] bytes = serde.serializer().serialize("utf8", event);
        int text = indexOf(bytes, new byte[]{4, 'a', 'b'}) + 1; // the text: length 2 (zig-zag 4), then its bytes
        bytes[text] = (byte) 0xff;
        bytes[text + 1] = (byte) 0xfe;
        byte[] malformed = bytes;
        SerializationException e = assertThrows(SerializationException.class,
                () -> serde.deserializer().deserialize("utf8", malformed));
        assertInstanceOf(java.nio.charset.CharacterCodingException.class, e.getCause(), e.toString());
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        throw new AssertionError("not found");
    }

    @Test
    void embeddingRoundTrips() {
        AvroSerde<Embedding> serde = new AvroSerde<>(client, Embedding.class);
        byte[] bytes = serde.serializer().serialize("embeddings", embedding());
        assertEquals(embedding(), serde.deserializer().deserialize("embeddings", bytes));
    }

    @Test
    void theHotPathMakesNoRequests() {
        AtomicInteger requests = new AtomicInteger();
        SchemaRegistryClient counting = new SchemaRegistryClient(
                SchemaRegistryClientConfig.of(registry.url()).withRequestObserver(r -> requests.incrementAndGet()));
        AvroSerializer<TextEvent> serializer = new AvroSerializer<>(counting);
        byte[] bytes = serializer.serialize("hot", textEvent());
        int registering = requests.get();
        for (int i = 0; i < 99; i++) bytes = serializer.serialize("hot", textEvent());
        assertEquals(registering, requests.get(), "the first record registers; the next 99 make no request");

        SchemaRegistryClient reading = new SchemaRegistryClient(
                SchemaRegistryClientConfig.of(registry.url()).withRequestObserver(r -> requests.incrementAndGet()));
        AvroDeserializer<TextEvent> deserializer = new AvroDeserializer<>(reading, TextEvent.class);
        for (int i = 0; i < 100; i++) assertEquals(textEvent(), deserializer.deserialize("hot", bytes));
        assertEquals(registering + 1, requests.get(), "one schema fetch for a hundred records");
    }

    @Test
    void tombstonesStayNull() {
        AvroSerde<TextEvent> serde = new AvroSerde<>(client, TextEvent.class);
        assertNull(serde.serializer().serialize("texts", null));
        assertNull(serde.deserializer().deserialize("texts", null));
    }

    @Test
    void keysGoUnderTheKeySubject() {
        AvroSerializer<TextEvent> keys = new AvroSerializer<>(client, true, true);
        keys.serialize("keyed", textEvent());
        assertEquals(PortableSchema.of(TextEvent.getClassSchema()), client.latest("keyed-key").schema());
    }

    @Test
    void configuresFromTheKafkaConfigMap() {
        Map<String, Object> config = Map.of("schema.registry.url", registry.url(),
                "specific.avro.value.type", TextEvent.class.getName());
        try (AvroSerializer<TextEvent> serializer = new AvroSerializer<>();
             AvroDeserializer<TextEvent> deserializer = new AvroDeserializer<>()) {
            serializer.configure(config, false);
            deserializer.configure(config, false);
            assertEquals(textEvent(), deserializer.deserialize("configured", serializer.serialize("configured", textEvent())));
        }
        AvroSerde<TextEvent> serde = new AvroSerde<>(TextEvent.class);
        serde.configure(Map.of("schema.registry.url", registry.url()), false);
        assertEquals(textEvent(), serde.deserializer().deserialize("configured", serde.serializer().serialize("configured", textEvent())));
    }

    @Test
    void configErrorsAreClear() {
        ConfigException noUrl = assertThrows(ConfigException.class, () -> new AvroSerializer<TextEvent>().configure(Map.of(), false));
        assertTrue(noUrl.getMessage().contains("schema.registry.url"), noUrl.getMessage());
        ConfigException noType = assertThrows(ConfigException.class,
                () -> new AvroDeserializer<TextEvent>().configure(Map.of("schema.registry.url", registry.url()), true));
        assertTrue(noType.getMessage().contains("specific.avro.key.type"), noType.getMessage());
        ConfigException twoUrls = assertThrows(ConfigException.class, () -> new AvroSerializer<TextEvent>()
                .configure(Map.of("schema.registry.url", "http://a:1,http://b:2"), false));
        assertTrue(twoUrls.getMessage().contains("only one"), twoUrls.getMessage());
    }

    @Test
    void withoutAutoRegisterTheSchemaMustAlreadyBeThere() {
        AvroSerializer<TextEvent> strict = new AvroSerializer<>(client, false, false);
        SerializationException absent = assertThrows(SerializationException.class, () -> strict.serialize("strict", textEvent()));
        assertTrue(absent.getMessage().contains("not registered under subject 'strict-value'"), absent.getMessage());
        assertTrue(assertThrows(SchemaRegistryException.class, () -> client.latest("strict-value")).isNotFound(), "nothing was registered");

        int id = client.register("strict-value", PortableSchema.of(TextEvent.getClassSchema()));
        byte[] bytes = strict.serialize("strict", textEvent());
        assertEquals(id, ByteBuffer.wrap(bytes, 1, 4).getInt());

        AvroSerializer<TextEvent> fromConfig = new AvroSerializer<>();
        fromConfig.configure(Map.of("schema.registry.url", registry.url(), "auto.register.schemas", "false"), false);
        assertThrows(SerializationException.class, () -> fromConfig.serialize("strict-too", textEvent()));
    }

    /** The released TextEvent before {@code metadata} existed, as an older producer still writes it. */
    static final Schema TEXT_EVENT_WITHOUT_METADATA = new Schema.Parser().parse("""
            {"type":"record","name":"TextEvent","namespace":"dev.semstream.avro","fields":[
              {"name":"id","type":"string"},
              {"name":"text","type":"string"},
              {"name":"eventTime","type":["null",{"type":"long","logicalType":"timestamp-millis"}],"default":null}]}""");

    @Test
    void recordsWrittenWithAnOlderSchemaReadIntoTheCurrentClass() throws IOException {
        client.setCompatibility("evolving-value", CompatibilityLevel.BACKWARD);
        int oldId = client.register("evolving-value", TEXT_EVENT_WITHOUT_METADATA);
        GenericRecord old = new GenericData.Record(TEXT_EVENT_WITHOUT_METADATA);
        old.put("id", "old-1");
        old.put("text", "written before metadata");
        old.put("eventTime", 1_600_000_000_000L);
        byte[] bytes = frame(oldId, TEXT_EVENT_WITHOUT_METADATA, old);

        // The current schema is a compatible next version under the same subject.
        assertTrue(client.checkCompatibility("evolving-value", TextEvent.getClassSchema()).compatible());
        TextEvent read = new AvroDeserializer<>(client, TextEvent.class).deserialize("evolving", bytes);
        assertEquals("old-1", read.getId());
        assertEquals("written before metadata", read.getText());
        assertEquals(Map.of(), read.getMetadata(), "the field's default");
        assertEquals(Instant.ofEpochMilli(1_600_000_000_000L), read.getEventTime());
    }

    @Test
    void unknownMagicByteIsRejected() {
        byte[] bytes = new AvroSerializer<TextEvent>(client).serialize("bad", textEvent());
        bytes[0] = 1;
        assertEquals("record on topic 'bad' has unknown magic byte 0x01 (expected 0x00): not written by a schema registry serializer",
                assertThrows(SerializationException.class, () -> deserializer().deserialize("bad", bytes)).getMessage());
    }

    @Test
    void tooShortPayloadIsRejected() {
        SerializationException e = assertThrows(SerializationException.class, () -> deserializer().deserialize("bad", new byte[] {0, 0, 1}));
        assertTrue(e.getMessage().contains("too short") && e.getMessage().contains("3 bytes"), e.getMessage());
        assertThrows(SerializationException.class, () -> deserializer().deserialize("bad", new byte[0]));
    }

    @Test
    void unknownSchemaIdIsRejected() {
        byte[] bytes = new byte[] {0, 0, 0x0f, 0x42, 0x3f, 2, 'x'};
        SerializationException e = assertThrows(SerializationException.class, () -> deserializer().deserialize("bad", bytes));
        assertTrue(e.getMessage().startsWith("unknown schema id 999999 in record on topic 'bad': schema registry "), e.getMessage());
        assertTrue(e.getMessage().contains("(404, error 40403)"), e.getMessage());
    }

    @Test
    void bytesThatDoNotDecodeAreRejected() {
        byte[] good = new AvroSerializer<TextEvent>(client).serialize("bad", textEvent());
        byte[] truncated = Arrays.copyOf(good, good.length - 4);
        SerializationException e = assertThrows(SerializationException.class, () -> deserializer().deserialize("bad", truncated));
        assertTrue(e.getMessage().startsWith("record on topic 'bad' does not decode as TextEvent with writer schema id "), e.getMessage());

        byte[] trailing = Arrays.copyOf(good, good.length + 3);
        assertTrue(assertThrows(SerializationException.class, () -> deserializer().deserialize("bad", trailing))
                .getMessage().contains("trailing bytes"));

        byte[] garbage = good.clone();
        Arrays.fill(garbage, 5, garbage.length, (byte) 0xff);
        assertThrows(SerializationException.class, () -> deserializer().deserialize("bad", garbage));
    }

    @Test
    void aWriterSchemaTheClassCannotReadIsRejected() throws IOException {
        Schema unrelated = new Schema.Parser().parse("""
                {"type":"record","name":"TextEvent","namespace":"dev.semstream.avro","fields":[{"name":"id","type":"int"}]}""");
        int id = client.register("unrelated-value", unrelated);
        GenericRecord r = new GenericData.Record(unrelated);
        r.put("id", 5);
        SerializationException e = assertThrows(SerializationException.class,
                () -> deserializer().deserialize("unrelated", frame(id, unrelated, r)));
        assertTrue(e.getMessage().contains("which dev.semstream.avro.TextEvent cannot read"), e.getMessage());
    }

    static AvroDeserializer<TextEvent> deserializer() {
        return new AvroDeserializer<>(client, TextEvent.class);
    }

    /** The wire format written by hand, independently of {@link AvroSerializer}. */
    static byte[] frame(int id, Schema schema, GenericRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.write(ByteBuffer.allocate(4).putInt(id).array());
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
