package dev.semstream.topology;

import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StreamsPropertiesTest {
    @TempDir
    Path dir;

    @Test
    void exactlyOnceIsTheDefault() {
        Properties p = StreamsProperties.of("app", "localhost:9092", dir, null, Map.of());
        assertEquals(StreamsConfig.EXACTLY_ONCE_V2, p.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG));
        assertEquals("app", p.get(StreamsConfig.APPLICATION_ID_CONFIG));
        assertEquals(dir.toString(), p.get(StreamsConfig.STATE_DIR_CONFIG));
    }

    @Test
    void fileThenEnvironmentOverrideTheDefaults() throws Exception {
        Path file = dir.resolve("client.properties");
        Files.writeString(file, "security.protocol=SSL\nssl.truststore.location=/etc/trust.jks\nprocessing.guarantee=at_least_once\n");
        Properties p = StreamsProperties.of("app", "b:9092", dir, file,
                Map.of("SEMSTREAM_KAFKA_SECURITY_PROTOCOL", "SASL_SSL", "SEMSTREAM_KAFKA_SASL_MECHANISM", "PLAIN",
                        "HOME", "/root", "SEMSTREAM_KAFKA_", "ignored"));
        assertEquals("SASL_SSL", p.get("security.protocol"), "the environment wins over the file");
        assertEquals("PLAIN", p.get("sasl.mechanism"));
        assertEquals("/etc/trust.jks", p.get("ssl.truststore.location"));
        assertEquals("at_least_once", p.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG), "the user may opt out");
        assertTrue(p.keySet().stream().noneMatch(k -> k.toString().equals("home") || k.toString().isEmpty()));
    }

    @Test
    void passThroughCarriesOnlyWhatTheUserGave() {
        Properties p = StreamsProperties.passThrough(null, Map.of("SEMSTREAM_KAFKA_SASL_MECHANISM", "PLAIN"));
        assertEquals(Map.of("sasl.mechanism", "PLAIN"), Map.copyOf(p));
    }

    @Test
    void aMissingPropertiesFileIsAClearError() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> StreamsProperties.of("app", "b:9092", dir, dir.resolve("nope.properties"), Map.of()));
        assertTrue(e.getMessage().contains("nope.properties"), e.getMessage());
    }
}
