package dev.semstream.app;

import dev.semstream.registry.AvroSerde;
import org.apache.avro.specific.SpecificRecord;

import java.util.Map;

/**
 * The pipeline's Avro serdes, every one configured the same way: against the cluster's Schema Registry,
 * with the user's pass-through settings (basic auth, {@code auto.register.schemas}).
 */
final class AvroSerdes {
    private final Map<String, Object> clientProperties;

    /** @param clientProperties the cluster's, {@link Cluster#clientProperties()}: they name the registry */
    AvroSerdes(Map<String, Object> clientProperties) {
        this.clientProperties = clientProperties;
    }

    /** A serde for record values of {@code type}; every topic of the pipeline is keyed by a string id. */
    <T extends SpecificRecord> AvroSerde<T> forValues(Class<T> type) {
        AvroSerde<T> serde = new AvroSerde<>(type);
        serde.configure(clientProperties, false);
        return serde;
    }
}
