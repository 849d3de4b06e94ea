package dev.semstream.registry;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import java.util.Map;

/** {@link AvroSerializer} and {@link AvroDeserializer} together, as Kafka Streams wants them. */
public class AvroSerde<T extends SpecificRecord> implements Serde<T> {
    private final AvroSerializer<T> serializer;
    private final AvroDeserializer<T> deserializer;

    /** Needs {@link #configure} with {@code schema.registry.url}. */
    public AvroSerde(Class<T> type) {
        this.serializer = new AvroSerializer<>();
        this.deserializer = new AvroDeserializer<>();
        this.deserializer.use(type);
    }

    /** A value serde on {@code registry} that registers schemas as needed; usable without configure. */
    public AvroSerde(SchemaRegistry registry, Class<T> type) {
        this(registry, type, true, false);
    }

    public AvroSerde(SchemaRegistry registry, Class<T> type, boolean autoRegister, boolean isKey) {
        this.serializer = new AvroSerializer<>(registry, autoRegister, isKey);
        this.deserializer = new AvroDeserializer<>(registry, type);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        // One client for both directions: what the serializer registers, the deserializer then has cached.
        SchemaRegistry registry = AvroSerdeConfig.registry(configs, serializer.registry());
        serializer.configure(configs, isKey, registry);
        deserializer.configure(configs, isKey, registry);
    }

    @Override
    public Serializer<T> serializer() {
        return serializer;
    }

    @Override
    public Deserializer<T> deserializer() {
        return deserializer;
    }
}
