package dev.semstream.app;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.testcontainers.junit.jupiter.Testcontainers;

/** The generator contract on containers (Apache Kafka, Confluent Schema Registry). Skipped without Docker. */
@Testcontainers(disabledWithoutDocker = true)
class GeneratorContainersTest extends GeneratorContract {
    static ClusterContainers cluster;

    @BeforeAll
    static void start() throws Exception {
        cluster = ClusterContainers.start();
        startWithGenerator(cluster.settings(dataDir));
    }

    @AfterAll
    static void stopContainers() {
        stop(); // the app before the broker it talks to
        if (cluster != null) {
            cluster.close();
        }
    }
}
