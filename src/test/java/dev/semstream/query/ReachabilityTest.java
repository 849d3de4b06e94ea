package dev.semstream.query;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The health probes against a port nobody listens on and one that answers HTTP. */
class ReachabilityTest {
    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void aDeadBrokerAndADeadRegistryAreUnreachableWithinTheProbeDeadline() throws Exception {
        int port = closedPort();
        try (Reachability probes = new Reachability(Map.of("bootstrap.servers", "127.0.0.1:" + port,
                "schema.registry.url", "http://127.0.0.1:" + port + "/apis/ccompat/v7"))) {
            long start = System.nanoTime();
            Reachability.Probe broker = probes.broker();
            assertFalse(broker.reachable());
            assertTrue(broker.problem().contains("Kafka cluster at 127.0.0.1:" + port), broker.problem());
            assertTrue(System.nanoTime() - start < 2 * Reachability.TIMEOUT.toNanos() + 1_000_000_000L,
                    "the probe keeps to its deadline");
            Reachability.Probe registry = probes.registry();
            assertFalse(registry.reachable());
            assertTrue(registry.problem().contains("schema registry"), registry.problem());
        }
    }

    @Test
    void aRegistryThatAnswersHttpBelow500IsReachable() {
        ApiHttpServer server = ApiHttpServer.bind("localhost", 0, ApiAccess.loopbackDefault());
        server.start(request -> {
            throw ApiException.notFound("no subjects here");
        });
        try (Reachability probes = new Reachability(Map.of("bootstrap.servers", "127.0.0.1:1",
                "schema.registry.url", "http://localhost:" + server.port()))) {
            assertTrue(probes.registry().reachable());
        } finally {
            server.close();
        }
    }
}
