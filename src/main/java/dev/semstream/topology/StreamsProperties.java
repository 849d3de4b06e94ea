package dev.semstream.topology;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.StreamsConfig;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The Kafka Streams settings of a semstream application: exactly-once by default, then whatever the user
 * passes through. Any Kafka client or Streams property (SASL, SSL, timeouts, ...) may come from a
 * properties file or from environment variables named {@code SEMSTREAM_KAFKA_<PROPERTY>} with dots as
 * underscores ({@code SEMSTREAM_KAFKA_SECURITY_PROTOCOL=SASL_SSL}); the environment wins over the file,
 * and both win over the defaults.
 */
public final class StreamsProperties {
    /** Environment variables with this prefix become Kafka properties. */
    public static final String ENV_PREFIX = "SEMSTREAM_KAFKA_";

    private StreamsProperties() {
    }

    /**
     * @param applicationId     the Streams application id: instances with the same id share the work
     * @param bootstrapServers  the Kafka cluster
     * @param stateDir          where RocksDB state lives
     * @param propertiesFile    user properties, or null
     * @param environment       usually {@code System.getenv()}
     */
    public static Properties of(String applicationId, String bootstrapServers, Path stateDir, Path propertiesFile,
                                Map<String, String> environment) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        // Exactly once is the default: no text is embedded twice or lost across crashes and restarts.
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        // One stream thread: the encoder already spreads each batch over every core.
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        // What the producer sends and what Streams' own topics (changelogs, repartition) take: the same limit
        // as every topic of topics.json, so an output is refused here, as a dead letter, not by the broker.
        p.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), RecordLimits.MAX_RECORD_BYTES);
        p.put(StreamsConfig.topicPrefix(TopicConfig.MAX_MESSAGE_BYTES_CONFIG), RecordLimits.MAX_RECORD_BYTES);
        p.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, OversizedOutputHandler.class);
        // The future default (Kafka 5.0); set now so Streams does not warn at every start.
        p.put("processing.exception.handler.global.enabled", true);
        p.putAll(passThrough(propertiesFile, environment));
        return p;
    }

    /**
     * What the user passes through, and nothing of ours: the properties file (may be null), then the
     * environment. Plain producers and consumers take these, without the Streams-only defaults.
     */
    public static Properties passThrough(Path propertiesFile, Map<String, String> environment) {
        Properties p = new Properties();
        if (propertiesFile != null) {
            p.putAll(readFile(propertiesFile));
        }
        p.putAll(fromEnvironment(environment));
        return p;
    }

    /** {@code SEMSTREAM_KAFKA_SASL_MECHANISM=PLAIN} becomes {@code sasl.mechanism=PLAIN}. */
    static Properties fromEnvironment(Map<String, String> environment) {
        Properties p = new Properties();
        environment.forEach((name, value) -> {
            if (name.startsWith(ENV_PREFIX) && name.length() > ENV_PREFIX.length()) {
                p.put(name.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.'), value);
            }
        });
        return p;
    }

    static Properties readFile(Path file) {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            p.load(in);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("properties file not found: " + file, e);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read properties file " + file + ": " + e.getMessage(), e);
        }
        return p;
    }
}
