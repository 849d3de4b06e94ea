package dev.semstream.topology;

import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The configuration profiles in {@code topology/profiles/} are what {@code run --config} reads: every key
 * must be one Kafka or the registry serdes know (a misspelt key is silently ignored by Kafka, which is how
 * a profile would rot), and the settings must make a valid Streams configuration on top of ours.
 */
class ConfigurationProfilesTest {
    static final Path PROFILES = Path.of("topology", "profiles");
    /** The keys the Schema Registry serdes read (see registry.AvroSerdeConfig). */
    static final Set<String> REGISTRY_KEYS = Set.of("schema.registry.url", "basic.auth.user.info", "auto.register.schemas");

    static List<Path> profiles() throws IOException {
        try (Stream<Path> files = Files.list(PROFILES)) {
            return files.filter(f -> f.toString().endsWith(".properties")).sorted().toList();
        }
    }

    @Test
    void thereAreProfilesAndEveryKeyIsOneKafkaOrTheRegistrySerdesKnow() throws IOException {
        Set<String> known = new HashSet<>(StreamsConfig.configDef().names());
        known.addAll(ProducerConfig.configNames());
        known.addAll(ConsumerConfig.configNames());
        known.addAll(AdminClientConfig.configNames());
        known.addAll(REGISTRY_KEYS);
        List<Path> profiles = profiles();
        assertFalse(profiles.isEmpty(), "no profiles in " + PROFILES);
        for (Path profile : profiles) {
            Properties p = StreamsProperties.readFile(profile);
            assertFalse(p.isEmpty(), profile + " sets nothing");
            for (String key : p.stringPropertyNames()) {
                assertTrue(known.contains(key), profile + ": unknown property " + key);
            }
        }
    }

    @Test
    void everyProfileMakesAValidStreamsConfigurationAndKeepsExactlyOnce(@org.junit.jupiter.api.io.TempDir Path state)
            throws IOException {
        for (Path profile : profiles()) {
            Properties props = StreamsProperties.of("semstream", "localhost:9092", state, profile, Map.of());
            StreamsConfig config = new StreamsConfig(props);
            assertEquals(StreamsConfig.EXACTLY_ONCE_V2, config.getString(StreamsConfig.PROCESSING_GUARANTEE_CONFIG),
                    profile + " must not turn exactly once off");
            // The producer and consumer settings Streams derives from it must validate too.
            config.getProducerConfigs("probe");
            config.getMainConsumerConfigs("semstream", "probe", 0);
        }
    }
}
