package dev.semstream.embedded;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A registry an earlier run left behind (its pid recorded, alive, its command line carrying this directory) is
 * stopped at start with one line saying so; a recorded pid that the system gave to another program is left alone;
 * and a directory a live registry uses is refused at once.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class StaleRegistryTest {

    @TempDir
    Path dir;
    final List<Process> started = new ArrayList<>();

    @AfterEach
    void stopIdlers() {
        started.forEach(Process::destroyForcibly);
    }

    @Test
    void aLeftoverOfThisDirectoryIsStoppedWithALineSayingSo() throws Exception {
        Process leftover = idle(StaleRegistry.marker(dir.toAbsolutePath().normalize()));
        Files.writeString(dir.resolve(StaleRegistry.PID_FILE), leftover.pid() + "\n");
        List<String> notices = new CopyOnWriteArrayList<>();
        try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(dir, 0, Duration.ofMinutes(2), notices::add)) {
            assertFalse(leftover.isAlive(), "the leftover was stopped");
            assertEquals(1, notices.size(), notices.toString());
            assertTrue(notices.get(0).startsWith("stopped a stale schema registry (pid " + leftover.pid() + ")"),
                    notices.get(0));
            assertTrue(registry.isAlive());
        }
    }

    @Test
    void aRecordedPidOfAnotherProgramIsLeftAlone() throws Exception {
        Process other = idle("-Dsomething.else=1");
        Files.writeString(dir.resolve(StaleRegistry.PID_FILE), other.pid() + "\n");
        List<String> notices = new CopyOnWriteArrayList<>();
        try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(dir, 0, Duration.ofMinutes(2), notices::add)) {
            assertTrue(other.isAlive(), "not ours, not stopped");
            assertEquals(List.of(), notices);
            IllegalStateException inUse = assertThrows(IllegalStateException.class,
                    () -> EmbeddedSchemaRegistry.start(dir, 0, Duration.ofMinutes(2), notices::add));
            assertTrue(inUse.getMessage().contains("is in use by another running semstream"), inUse.getMessage());
            assertTrue(registry.isAlive(), "the second start did not touch the running registry");
        }
    }

    /** A JVM that only waits, standing in for a leftover registry (or an unrelated program) with these flags. */
    private Process idle(String flag) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, flag, "-cp", System.getProperty("java.class.path"),
                Idle.class.getName()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        started.add(p);
        return p;
    }

    /** Waits until killed, whatever happens to its stdin. */
    public static final class Idle {
        public static void main(String[] args) throws InterruptedException {
            Thread.currentThread().join();
        }
    }
}
