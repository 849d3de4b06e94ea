package dev.semstream.app;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The pipeline contract on containers: Apache Kafka (KRaft) and Confluent's own Schema Registry, the
 * pair docker-compose.yml runs. Skipped where no Docker engine is reachable.
 */
@Testcontainers(disabledWithoutDocker = true)
class EmbedderContainersTest extends EmbedderPipelineContract {
    static ClusterContainers cluster;

    @BeforeAll
    static void start() throws Exception {
        cluster = ClusterContainers.start();
        startApp(cluster.settings(dataDir));
    }

    @AfterAll
    static void stopContainers() {
        stop(); // the app before the broker it talks to (subclass @AfterAll runs first)
        if (cluster != null) {
            cluster.close();
        }
    }
}
