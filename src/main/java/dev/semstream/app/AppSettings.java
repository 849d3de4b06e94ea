package dev.semstream.app;

import dev.semstream.query.ApiAccess;
import dev.semstream.topology.EmbedderConfig;
import dev.semstream.topology.StreamsProperties;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * How to start the pipeline.
 *
 * @param bootstrapServers  an existing Kafka cluster, or null for the embedded default
 * @param schemaRegistryUrl an existing Confluent-compatible registry, or null for the embedded default
 * @param dataDir           embedded broker data, registry work files and Streams state live here
 * @param propertiesFile    Kafka client and Streams properties to pass through, or null
 * @param environment       usually {@code System.getenv()}: SEMSTREAM_KAFKA_* variables pass through too
 * @param extraProperties   programmatic overrides (tests: commit interval, instance ports)
 * @param applicationId     the embedder's Streams application id: instances with the same id share the partitions
 * @param topicPrefix       topic name prefix, or null for the one in topology/topics.json
 * @param createTopics      create missing topics on start
 * @param embedder          batching, input format, size limit (topic names are filled in from the prefix)
 * @param httpHost          where the HTTP API listens and how other instances reach it
 * @param httpPort          its port; 0 for any free one, null for no HTTP API
 * @param apiAccess         the API's token, CORS origins and extra host names (null: the loopback default)
 * @param kafkaPort         the embedded broker's port on 127.0.0.1, 0 for any free one (unused with a given cluster)
 * @param registryPort      the embedded registry's port on 127.0.0.1, 0 for any free one (unused with a given one)
 */
public record AppSettings(String bootstrapServers, String schemaRegistryUrl, Path dataDir, Path propertiesFile,
                          Map<String, String> environment, Map<String, Object> extraProperties,
                          String applicationId, String topicPrefix, boolean createTopics, EmbedderConfig embedder,
                          String httpHost, Integer httpPort, ApiAccess apiAccess, int kafkaPort,
                          int registryPort) {
    /** The HTTP API's default port. */
    public static final int DEFAULT_HTTP_PORT = 7070;
    /** The embedder's default Streams application id. */
    public static final String DEFAULT_APPLICATION_ID = "semstream-embedder";

    /** The embedded default's ports, fixed so outside clients keep their addresses across restarts. */
    public static final int DEFAULT_KAFKA_PORT = 9092;
    public static final int DEFAULT_REGISTRY_PORT = 8081;

    /**
     * The loopback default's API access and embedded parts on any free ports: for tests and programs that start
     * several pipelines at once.
     */
    public AppSettings(String bootstrapServers, String schemaRegistryUrl, Path dataDir, Path propertiesFile,
                       Map<String, String> environment, Map<String, Object> extraProperties,
                       String applicationId, String topicPrefix, boolean createTopics, EmbedderConfig embedder,
                       String httpHost, Integer httpPort) {
        this(bootstrapServers, schemaRegistryUrl, dataDir, propertiesFile, environment, extraProperties, applicationId,
                topicPrefix, createTopics, embedder, httpHost, httpPort, null, 0, 0);
    }

    public AppSettings {
        Objects.requireNonNull(dataDir, "dataDir");
        environment = Map.copyOf(environment);
        extraProperties = Map.copyOf(extraProperties);
        Objects.requireNonNull(applicationId, "applicationId");
        Objects.requireNonNull(embedder, "embedder");
        Objects.requireNonNull(httpHost, "httpHost");
        apiAccess = apiAccess == null ? ApiAccess.loopbackDefault() : apiAccess;
        if (kafkaPort < 0 || kafkaPort > 65535 || registryPort < 0 || registryPort > 65535) {
            throw new IllegalArgumentException("ports are 0 (any free one) or 1 to 65535: Kafka " + kafkaPort
                    + ", registry " + registryPort);
        }
    }

    /** The embedded default in {@code dataDir}, with the defaults of everything else. */
    public static AppSettings embedded(Path dataDir) {
        return new AppSettings(null, null, dataDir, null, Map.of(), Map.of(), DEFAULT_APPLICATION_ID, null, true,
                EmbedderConfig.defaults(), "localhost", null);
    }

    /**
     * The settings of a Streams application of the pipeline on {@code bootstrapServers}: exactly once, its
     * state under the data dir, the user's pass-through settings, then the programmatic overrides.
     */
    Properties streamsProperties(String streamsApplicationId, String bootstrapServers) {
        Properties props = StreamsProperties.of(streamsApplicationId, bootstrapServers, dataDir.resolve("state"),
                propertiesFile, environment);
        extraProperties.forEach(props::put);
        return props;
    }

    public AppSettings withCluster(String bootstrap, String registryUrl) {
        return new AppSettings(bootstrap, registryUrl, dataDir, propertiesFile, environment, extraProperties,
                applicationId, topicPrefix, createTopics, embedder, httpHost, httpPort, apiAccess, kafkaPort,
                registryPort);
    }

    public AppSettings withExtraProperties(Map<String, Object> extra) {
        return new AppSettings(bootstrapServers, schemaRegistryUrl, dataDir, propertiesFile, environment, extra,
                applicationId, topicPrefix, createTopics, embedder, httpHost, httpPort, apiAccess, kafkaPort,
                registryPort);
    }

    /** Serve the HTTP API on host:port (port 0: any free one). */
    public AppSettings withHttp(String host, int port) {
        return new AppSettings(bootstrapServers, schemaRegistryUrl, dataDir, propertiesFile, environment,
                extraProperties, applicationId, topicPrefix, createTopics, embedder, host, port, apiAccess, kafkaPort,
                registryPort);
    }

    public AppSettings withEmbedder(EmbedderConfig config) {
        return new AppSettings(bootstrapServers, schemaRegistryUrl, dataDir, propertiesFile, environment,
                extraProperties, applicationId, topicPrefix, createTopics, config, httpHost, httpPort, apiAccess,
                kafkaPort, registryPort);
    }

    public AppSettings withApiAccess(ApiAccess access) {
        return new AppSettings(bootstrapServers, schemaRegistryUrl, dataDir, propertiesFile, environment,
                extraProperties, applicationId, topicPrefix, createTopics, embedder, httpHost, httpPort, access,
                kafkaPort, registryPort);
    }

    /** The embedded broker and registry on these ports (0: any free one). */
    public AppSettings withEmbeddedPorts(int kafka, int registry) {
        return new AppSettings(bootstrapServers, schemaRegistryUrl, dataDir, propertiesFile, environment,
                extraProperties, applicationId, topicPrefix, createTopics, embedder, httpHost, httpPort, apiAccess,
                kafka, registry);
    }
}
