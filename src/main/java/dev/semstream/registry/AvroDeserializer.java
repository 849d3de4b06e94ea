package dev.semstream.registry;

import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads Confluent-wire-format Avro into the specific class {@code T}. The writer's schema is fetched by the id in
 * the record (once per id, then cached) and resolved against {@code T}'s schema, so records written with an
 * older, compatible version of the contract read into the current class with defaults filled in.
 *
 * <p>Anything that is not a readable record fails with a {@link SerializationException} that says why: unknown
 * magic byte, too short, unknown schema id, writer schema incompatible with {@code T}, or bytes that do not
 * decode (a string that is not valid UTF-8 among them: its cause is then a
 * {@link java.nio.charset.CharacterCodingException}). Null bytes (a tombstone) become null.
 */
public class AvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {
    private SchemaRegistry registry;
    private Class<T> type;
    private Schema readerSchema;
    private SpecificData data;
    private final Map<Integer, SpecificDatumReader<T>> readers = new ConcurrentHashMap<>();

    /**
     * For Kafka, which instantiates deserializers reflectively: {@link #configure} then needs
     * {@code specific.avro.value.type} (or {@code specific.avro.key.type}) naming the record class.
     */
    public AvroDeserializer() {
    }

    public AvroDeserializer(SchemaRegistry registry, Class<T> type) {
        this.registry = registry;
        use(type);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        configure(configs, isKey, AvroSerdeConfig.registry(configs, registry));
    }

    /** Configures with a client already chosen, so {@link AvroSerde} can share one between both directions. */
    void configure(Map<String, ?> configs, boolean isKey, SchemaRegistry registry) {
        this.registry = registry;
        String key = isKey ? AvroSerdeConfig.SPECIFIC_AVRO_KEY_TYPE : AvroSerdeConfig.SPECIFIC_AVRO_VALUE_TYPE;
        Object configured = configs.get(key);
        if (configured != null) use(recordClass(key, configured));
        if (type == null) throw new ConfigException("missing '" + key + "': the Avro deserializer needs the record class to read into");
    }

    @SuppressWarnings("unchecked")
    private Class<T> recordClass(String key, Object configured) {
        Class<?> c;
        try {
            c = configured instanceof Class<?> k ? k : Class.forName(configured.toString(), true, Thread.currentThread().getContextClassLoader());
        } catch (ClassNotFoundException e) {
            throw new ConfigException(key, configured, "class not found");
        }
        if (!SpecificRecord.class.isAssignableFrom(c)) throw new ConfigException(key, configured, "not an Avro SpecificRecord class");
        return (Class<T>) c;
    }

    void use(Class<T> type) {
        this.type = type;
        this.data = SpecificData.getForClass(type);
        this.readerSchema = data.getSchema(type);
        TrustedAvroClasses.trust(type, readerSchema);
        readers.clear();
    }

    @Override
    public T deserialize(String topic, byte[] bytes) {
        if (bytes == null) return null;
        if (registry == null || type == null) throw new IllegalStateException("AvroDeserializer used before configure()");
        int id = WireFormat.schemaId(bytes, topic);
        SpecificDatumReader<T> reader = reader(id, topic);
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, WireFormat.HEADER_LENGTH, bytes.length - WireFormat.HEADER_LENGTH, null);
        T record;
        try {
            record = reader.read(null, decoder);
            if (!decoder.isEnd()) throw new IOException("trailing bytes after the record");
        } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException | NegativeArraySizeException e) {
            throw new SerializationException("record on topic '" + topic + "' does not decode as " + type.getSimpleName()
                    + " with writer schema id " + id + ": " + e, e);
        }
        return record;
    }

    private SpecificDatumReader<T> reader(int id, String topic) {
        SpecificDatumReader<T> cached = readers.get(id);
        if (cached != null) return cached;
        Schema writer;
        try {
            writer = registry.schemaById(id);
        } catch (SchemaRegistryException e) {
            throw new SerializationException((e.isNotFound() ? "unknown schema id " + id : "cannot fetch schema id " + id)
                    + " in record on topic '" + topic + "': " + e.getMessage(), e);
        }
        var compatibility = SchemaCompatibility.checkReaderWriterCompatibility(readerSchema, writer);
        if (compatibility.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            // Checked up front because Avro's resolver would otherwise fail mid-record with a vaguer message.
            throw new SerializationException("record on topic '" + topic + "' was written with schema id " + id + " ("
                    + writer.getFullName() + "), which " + type.getName() + " cannot read: "
                    + compatibility.getResult().getIncompatibilities());
        }
        SpecificDatumReader<T> reader = new StrictUtf8DatumReader<>(writer, readerSchema, data);
        readers.put(id, reader);
        return reader;
    }
}
