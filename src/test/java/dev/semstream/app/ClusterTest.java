package dev.semstream.app;

import dev.semstream.embedded.EmbeddedKafka;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The cluster as a part: what it starts, what it hands clients, and what it stops. */
// SEPARATE_THREAD: Kafka waits uninterruptibly in places; a hung test must still fail, not hang the build.
@Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ClusterTest {
    @TempDir
    Path dataDir;

    @Test
    void aRegistryThatCannotStartStopsTheBrokerStartedForIt() throws Exception {
        Files.writeString(dataDir.resolve("registry"), "a file where the registry's directory goes");
        List<String> progress = new ArrayList<>();
        assertThrows(UncheckedIOException.class, () -> Cluster.start(AppSettings.embedded(dataDir), progress::add));
        assertEquals(2, progress.size(), "the broker started, then the registry was tried: " + progress);
        for (int port : LeftBehind.brokerPorts(dataDir)) {
            LeftBehind.assertFree(port, "the broker's");
        }
        // Released, not just unreachable: the next run on the same data dir can open it.
        EmbeddedKafka.start(dataDir.resolve("kafka")).close();
    }

    /** Row 12 of issue 11: every start took new random ports, and a killed run's endpoints file stayed. */
    @Test
    void twoStartsOnOneDataDirGetTheSamePortsAndAStaleEndpointsFileIsRemoved() throws Exception {
        AppSettings settings = AppSettings.embedded(dataDir).withEmbeddedPorts(freePort(), freePort());
        String bootstrap;
        String registryUrl;
        try (Cluster first = Cluster.start(settings, line -> { })) {
            bootstrap = first.bootstrapServers();
            registryUrl = first.schemaRegistryUrl();
        }
        assertEquals("127.0.0.1:" + settings.kafkaPort(), bootstrap);
        assertTrue(registryUrl.startsWith("http://127.0.0.1:" + settings.registryPort() + "/"), registryUrl);
        // What a run killed with SIGKILL leaves: its endpoints, pointing at nothing now.
        new Endpoints(bootstrap, registryUrl, "http://localhost:7070").write(dataDir);
        List<String> progress = new ArrayList<>();
        try (Cluster second = Cluster.start(settings, progress::add)) {
            assertEquals(bootstrap, second.bootstrapServers());
            assertEquals(registryUrl, second.schemaRegistryUrl());
            assertTrue(Endpoints.read(dataDir).isEmpty(), "the stale endpoints file is gone");
            assertTrue(progress.stream().anyMatch(l -> l.startsWith("removed the endpoints file an earlier run left")),
                    progress.toString());
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }

    @Test
    void aGivenClusterIsOnlyAddressedAndItsAddressesWinOverThePassThroughSettings() {
        AppSettings settings = AppSettings.embedded(dataDir).withCluster("broker-1:9092", "http://registry:8081");
        settings = new AppSettings(settings.bootstrapServers(), settings.schemaRegistryUrl(), dataDir, null,
                Map.of("SEMSTREAM_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                        "SEMSTREAM_KAFKA_BOOTSTRAP_SERVERS", "somewhere-else:9092"),
                Map.of(), settings.applicationId(), null, true, settings.embedder(), "localhost", null);
        List<String> progress = new ArrayList<>();
        try (Cluster cluster = Cluster.start(settings, progress::add)) {
            assertEquals(List.of(), progress, "nothing started");
            assertEquals(Map.of("security.protocol", "SASL_SSL", "bootstrap.servers", "broker-1:9092",
                    "schema.registry.url", "http://registry:8081"), cluster.clientProperties());
        }
    }
}
