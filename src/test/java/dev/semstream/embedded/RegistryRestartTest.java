package dev.semstream.embedded;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Row 5 of issue 11 (supervision): a registry child that dies while the pipeline runs is started again on the same
 * port and H2 file, so every schema id still resolves at the same URL; one that cannot be restarted is given up
 * after a bounded number of tries, and its owner is told.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RegistryRestartTest {

    @TempDir
    Path dir;

    @Test
    void aKilledRegistryIsBackOnTheSamePortWithTheSameSchemaIds() throws Exception {
        List<String> notices = new CopyOnWriteArrayList<>();
        try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(dir, 0, Duration.ofMinutes(2), notices::add)) {
            int id = Schemas.registerString(registry.url(), "texts-value");
            long first = recordedPid();
            ProcessHandle.of(first).orElseThrow().destroyForcibly();
            Eventually.await(Duration.ofSeconds(120), "the registry answers again at " + registry.url(),
                    () -> recordedPid() != first && Schemas.answers(registry.url()));
            assertTrue(Schemas.byId(registry.url(), id).contains("string"), "the same id, the same schema");
            assertEquals(id, Schemas.registerString(registry.url(), "texts-value"), "registering it again: same id");
            assertTrue(notices.stream().anyMatch(n -> n.contains("exited with code") && n.contains("restarting it on port")),
                    notices.toString());
            assertTrue(notices.stream().anyMatch(n -> n.startsWith("the schema registry is back on " + registry.url())),
                    notices.toString());
        }
    }

    @Test
    void aRegistryThatCannotComeBackIsGivenUpAndItsOwnerTold() throws Exception {
        List<String> notices = new CopyOnWriteArrayList<>();
        CountDownLatch lost = new CountDownLatch(1);
        // One restart, not the default five with their doubling pauses: the bound, not its size, is under test.
        EmbeddedSchemaRegistry.RestartPolicy once = new EmbeddedSchemaRegistry.RestartPolicy(1, Duration.ofSeconds(1),
                Duration.ofSeconds(60));
        try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(dir, 0, Duration.ofMinutes(2), notices::add,
                once)) {
            registry.onLost(lost::countDown);
            int port = Integer.parseInt(registry.url().replaceAll(".*:(\\d+)/.*", "$1"));
            ProcessHandle child = ProcessHandle.of(recordedPid()).orElseThrow();
            child.destroyForcibly();
            child.onExit().get(30, TimeUnit.SECONDS);
            // The supervisor pauses a second before its first restart; holding the port makes every restart fail.
            try (ServerSocket taken = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
                assertTrue(lost.await(4, TimeUnit.MINUTES), "given up: " + notices);
            }
            assertNotNull(registry.failure());
            assertTrue(registry.failure().getMessage().contains("gave up after 1 restarts in a row")
                    && registry.failure().getMessage().contains("Port " + port + " seems to be in use"),
                    registry.failure().getMessage());
            assertEquals(1, notices.stream().filter(n -> n.contains("restarting it on port " + port)).count(), notices.toString());
        }
    }

    private long recordedPid() {
        try {
            return Long.parseLong(Files.readString(dir.resolve(StaleRegistry.PID_FILE)).strip());
        } catch (Exception notWrittenYet) {
            return -1;
        }
    }
}
