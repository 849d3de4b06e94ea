package dev.semstream.query;

import dev.semstream.app.ClusterContainers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The query contract on containers (Apache Kafka and Confluent Schema Registry), both instances joining
 * them. Skipped where no Docker engine is reachable.
 */
@Testcontainers(disabledWithoutDocker = true)
class QueryContainersTest extends QueryContract {
    static ClusterContainers cluster;

    @BeforeAll
    static void start() throws Exception {
        cluster = ClusterContainers.start();
        startTwoInstances(cluster.settings(dirA), a -> cluster.settings(dirB));
    }

    @AfterAll
    static void stopContainers() {
        stop(); // the instances before the broker they talk to
        if (cluster != null) {
            cluster.close();
        }
    }
}
