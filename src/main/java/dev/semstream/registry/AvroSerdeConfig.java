package dev.semstream.registry;

import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The serdes' settings, read from the ordinary Kafka client config map under the names Confluent's serdes use,
 * so existing configs carry over.
 */
final class AvroSerdeConfig {
    static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
    static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
    static final String SPECIFIC_AVRO_KEY_TYPE = "specific.avro.key.type";
    static final String SPECIFIC_AVRO_VALUE_TYPE = "specific.avro.value.type";

    private AvroSerdeConfig() {
    }

    /**
     * The registry a serde should use: a new client if the config names a url, else {@code current} (a client the
     * serde was constructed with); throws {@link ConfigException} if there is neither.
     */
    static SchemaRegistry registry(Map<String, ?> configs, SchemaRegistry current) {
        if (current != null && !configs.containsKey(SCHEMA_REGISTRY_URL)) return current;
        return client(configs);
    }

    /** A client for the registry the config names; throws {@link ConfigException} if it names none. */
    static SchemaRegistry client(Map<String, ?> configs) {
        Object url = configs.get(SCHEMA_REGISTRY_URL);
        if (url == null || url.toString().isBlank()) {
            throw new ConfigException("missing '" + SCHEMA_REGISTRY_URL + "': the Avro serdes need a schema registry");
        }
        String urls = url instanceof Iterable<?> list ? String.join(",", toStrings(list)) : url.toString();
        if (urls.contains(",")) {
            // Failing over between registries is not implemented; taking the first silently would hide that.
            throw new ConfigException(SCHEMA_REGISTRY_URL, urls, "only one schema registry url is supported");
        }
        Object userInfo = configs.get(BASIC_AUTH_USER_INFO);
        SchemaRegistryClientConfig config = SchemaRegistryClientConfig.of(urls.strip());
        if (userInfo != null) {
            // Stored as a password type by some frameworks: toString() of Kafka's Password hides the value.
            String value = userInfo instanceof Password p ? p.value() : userInfo.toString();
            config = config.withUserInfo(value);
        }
        return new SchemaRegistryClient(config);
    }

    static boolean autoRegister(Map<String, ?> configs) {
        Object value = configs.get(AUTO_REGISTER_SCHEMAS);
        if (value == null) return true;
        if (value instanceof Boolean b) return b;
        String s = value.toString().strip();
        if (s.equalsIgnoreCase("true")) return true;
        if (s.equalsIgnoreCase("false")) return false;
        throw new ConfigException(AUTO_REGISTER_SCHEMAS, value, "must be true or false");
    }

    private static Iterable<String> toStrings(Iterable<?> list) {
        List<String> out = new ArrayList<>();
        list.forEach(o -> out.add(o.toString()));
        return out;
    }
}
