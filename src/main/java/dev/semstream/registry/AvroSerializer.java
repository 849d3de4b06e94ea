package dev.semstream.registry;

import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes Avro specific records in the Confluent wire format, under the subject {@code <topic>-value} (or
 * {@code <topic>-key} for keys), the TopicNameStrategy every Confluent-compatible serde defaults to.
 *
 * <p>What is registered is the record's {@link PortableSchema}: the contract its class was generated from, so a
 * client in any language that registers or looks up the same {@code .avsc} finds the same id. With
 * {@code auto.register.schemas=true} (the default) it is registered on first use, and a subject this creates is
 * set BACKWARD compatible, so a later version that older records cannot be read with is refused by the registry;
 * with {@code false} it must already be registered under the subject, and serialising fails, naming the subject,
 * if it is not. The id is cached, so only the first record per subject and schema costs requests.
 * A null record becomes null bytes (a tombstone).
 */
public class AvroSerializer<T extends SpecificRecord> implements Serializer<T> {
    private SchemaRegistry registry;
    private boolean autoRegister = true;
    private boolean isKey;
    private final Map<Schema, SpecificDatumWriter<T>> writers = new ConcurrentHashMap<>();
    private final Map<Registration, Integer> ids = new ConcurrentHashMap<>();

    private record Registration(String subject, Schema schema) { }

    /** For Kafka, which instantiates serializers reflectively and then calls {@link #configure}. */
    public AvroSerializer() {
    }

    /** A value serializer on {@code registry} that registers schemas as needed. */
    public AvroSerializer(SchemaRegistry registry) {
        this(registry, true, false);
    }

    public AvroSerializer(SchemaRegistry registry, boolean autoRegister, boolean isKey) {
        this.registry = registry;
        this.autoRegister = autoRegister;
        this.isKey = isKey;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        configure(configs, isKey, AvroSerdeConfig.registry(configs, registry));
    }

    /** Configures with a client already chosen, so {@link AvroSerde} can share one between both directions. */
    void configure(Map<String, ?> configs, boolean isKey, SchemaRegistry registry) {
        this.isKey = isKey;
        this.autoRegister = AvroSerdeConfig.autoRegister(configs);
        this.registry = registry;
    }

    SchemaRegistry registry() {
        return registry;
    }

    @Override
    public byte[] serialize(String topic, T record) {
        if (record == null) return null;
        if (registry == null) throw new IllegalStateException("AvroSerializer used before configure(): no schema registry");
        Schema schema = record.getSchema();
        int id = schemaId(subject(topic), schema);
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        out.write(new byte[WireFormat.HEADER_LENGTH], 0, WireFormat.HEADER_LENGTH);
        try {
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            writer(schema, record).write(record, encoder);
            encoder.flush();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot write " + schema.getFullName() + " for topic '" + topic + "': " + e.getMessage(), e);
        }
        byte[] bytes = out.toByteArray();
        WireFormat.writeHeader(bytes, id);
        return bytes;
    }

    private int schemaId(String subject, Schema schema) {
        Registration key = new Registration(subject, schema);
        Integer cached = ids.get(key);
        if (cached != null) return cached;
        Schema portable = PortableSchema.of(schema);
        int id;
        try {
            id = autoRegister ? register(subject, portable) : registry.lookup(subject, portable).orElseThrow(() -> new SerializationException(
                    "schema " + schema.getFullName() + " is not registered under subject '" + subject
                            + "' and auto.register.schemas is false: register it first")).id();
        } catch (SchemaRegistryException e) {
            throw new SerializationException("cannot get a schema id for subject '" + subject + "': " + e.getMessage(), e);
        }
        ids.put(key, id);
        return id;
    }

    /**
     * Registers {@code schema}, and makes a subject this creates BACKWARD compatible. The level is set after the
     * first version, not before: Apicurio forgets a level set on a subject that does not exist yet.
     */
    private int register(String subject, Schema schema) {
        boolean created = !exists(subject);
        int id = registry.register(subject, schema);
        if (created) registry.setCompatibility(subject, CompatibilityLevel.BACKWARD);
        return id;
    }

    private boolean exists(String subject) {
        try {
            registry.latest(subject);
            return true;
        } catch (SchemaRegistryException e) {
            if (e.isNotFound()) return false;
            throw e;
        }
    }

    @SuppressWarnings("unchecked")
    private SpecificDatumWriter<T> writer(Schema schema, T record) {
        // The class's own SpecificData carries its logical-type conversions (timestamp-millis as Instant).
        return writers.computeIfAbsent(schema, s -> new SpecificDatumWriter<>(s, SpecificData.getForClass((Class<T>) record.getClass())));
    }

    private String subject(String topic) {
        return topic + (isKey ? "-key" : "-value");
    }
}
