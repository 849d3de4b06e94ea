package dev.semstream.app;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The pipeline contract on containers: Apache Kafka (KRaft) and Confluent's own Schema Registry, the
 * pair docker-compose.yml runs. Skipped where no Docker engine is reachable.
 */
@Testcontainers(disabledWithoutDocker = true)
class EmbedderContainersTest extends EmbedderPipelineContract {
    static Network network;
    static KafkaContainer kafka;
    static GenericContainer<?> schemaRegistry;

    @BeforeAll
    static void start() throws Exception {
        network = Network.newNetwork();
        kafka = new KafkaContainer("apache/kafka:4.1.0").withNetwork(network).withNetworkAliases("kafka")
                .withListener("kafka:19092");
        kafka.start();
        schemaRegistry = new GenericContainer<>("confluentinc/cp-schema-registry:7.7.1")
                .withNetwork(network)
                .withExposedPorts(8081)
                .withEnv("SCHEMA_REGISTRY_HOST_NAME", "schema-registry")
                .withEnv("SCHEMA_REGISTRY_LISTENERS", "http://0.0.0.0:8081")
                .withEnv("SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS", "PLAINTEXT://kafka:19092")
                .waitingFor(Wait.forHttp("/subjects").forStatusCode(200));
        schemaRegistry.start();
        startApp(AppSettings.embedded(dataDir).withCluster(kafka.getBootstrapServers(),
                "http://" + schemaRegistry.getHost() + ":" + schemaRegistry.getMappedPort(8081)));
    }

    @AfterAll
    static void stopContainers() {
        stop(); // the app before the broker it talks to (subclass @AfterAll runs first)
        if (schemaRegistry != null) {
            schemaRegistry.stop();
        }
        if (kafka != null) {
            kafka.stop();
        }
        if (network != null) {
            network.close();
        }
    }
}
