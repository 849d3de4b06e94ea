package dev.semstream.app;

import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.kafka.KafkaContainer;

/**
 * Apache Kafka (KRaft) and Confluent's own Schema Registry in containers, the pair docker-compose.yml
 * runs: for the Testcontainers variants of the integration tests, which skip where Docker is absent.
 */
public final class ClusterContainers implements AutoCloseable {
    /** The clients' version (pom.xml kafka.version); docker-compose.yml runs the same (DeploymentFilesTest). */
    static final String KAFKA_IMAGE = "apache/kafka:4.4.0";
    /** Confluent Platform 8, built on Kafka 4; docker-compose.yml runs the same. */
    static final String SCHEMA_REGISTRY_IMAGE = "confluentinc/cp-schema-registry:8.0.0";

    private final Network network;
    private final KafkaContainer kafka;
    private final GenericContainer<?> schemaRegistry;

    private ClusterContainers(Network network, KafkaContainer kafka, GenericContainer<?> schemaRegistry) {
        this.network = network;
        this.kafka = kafka;
        this.schemaRegistry = schemaRegistry;
    }

    public static ClusterContainers start() {
        Network network = Network.newNetwork();
        KafkaContainer kafka = new KafkaContainer(KAFKA_IMAGE).withNetwork(network).withNetworkAliases("kafka")
                .withListener("kafka:19092");
        kafka.start();
        GenericContainer<?> schemaRegistry = new GenericContainer<>(SCHEMA_REGISTRY_IMAGE)
                .withNetwork(network)
                .withExposedPorts(8081)
                .withEnv("SCHEMA_REGISTRY_HOST_NAME", "schema-registry")
                .withEnv("SCHEMA_REGISTRY_LISTENERS", "http://0.0.0.0:8081")
                .withEnv("SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS", "PLAINTEXT://kafka:19092")
                .waitingFor(Wait.forHttp("/subjects").forStatusCode(200));
        schemaRegistry.start();
        return new ClusterContainers(network, kafka, schemaRegistry);
    }

    public String bootstrapServers() {
        return kafka.getBootstrapServers();
    }

    public String schemaRegistryUrl() {
        return "http://" + schemaRegistry.getHost() + ":" + schemaRegistry.getMappedPort(8081);
    }

    /** The settings of an instance in dataDir joining this cluster. */
    public AppSettings settings(java.nio.file.Path dataDir) {
        return AppSettings.embedded(dataDir).withCluster(bootstrapServers(), schemaRegistryUrl());
    }

    @Override
    public void close() {
        schemaRegistry.stop();
        kafka.stop();
        network.close();
    }
}
