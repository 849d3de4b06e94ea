package dev.semstream.reliability;

import dev.semstream.embedded.CommittedRecords;

import dev.semstream.app.AppSettings;
import dev.semstream.app.Endpoints;
import dev.semstream.query.HttpJson;
import dev.semstream.topology.EmbedderConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The embedded default as a user runs it: {@code semstream run} (broker, registry child, embedder, API in one
 * process tree) is SIGKILLed in the middle of a backlog and started again with the same command. The
 * registry child must go with its parent, the second start must need no manual step, and every text must
 * be embedded exactly once, read committed, on the embeddings topic and in the vector store's changelog.
 */
class RunKilledOnTheEmbeddedDefaultTest {
    static final int TEXTS = 300;
    static final Duration DEADLINE = Duration.ofMinutes(4);

    @TempDir
    static Path dir;

    @Test
    @Timeout(value = 12, unit = TimeUnit.MINUTES)
    void aPlainRestartAfterSigkillLosesAndDoublesNothing() throws Exception {
        Path data = dir.resolve("data");
        // Fixed ports, as the default is: the restart must find them free again.
        List<String> command = runCommand(data, freePort(), freePort());
        Process first = start(command, "first");
        long registryPid;
        Endpoints endpoints;
        try {
            endpoints = awaitEndpoints(first, "first");
            List<Map<String, Object>> texts = new ArrayList<>();
            for (int i = 0; i < TEXTS; i++) {
                texts.add(Map.of("id", String.format("k-%04d", i), "text", "text " + i
                        + ": the model predicts the next token from the ones before it"));
            }
            assertEquals(202, HttpJson.post(endpoints.queryUrl() + "/texts", Map.of("texts", texts)).status());
            try (CommittedRecords embeddings = new CommittedRecords(endpoints.bootstrapServers(), "semstream.embeddings")) {
                awaitKeys(embeddings, 40, first, "first");
            }
            registryPid = Long.parseLong(Files.readString(data.resolve("registry").resolve("registry.pid")).strip());
        } finally {
            first.destroyForcibly(); // SIGKILL: no shutdown hook, an open transaction, a registry child left to itself
            first.waitFor(1, TimeUnit.MINUTES);
        }
        long killed = System.nanoTime();
        Optional<ProcessHandle> registry = ProcessHandle.of(registryPid);
        while (registry.isPresent() && registry.get().isAlive()) {
            assertTrue(System.nanoTime() - killed < Duration.ofSeconds(30).toNanos(),
                    "the registry child (pid " + registryPid + ") outlived its parent by 30 s");
            Thread.sleep(100); // polling under the deadline above
        }
        double childGone = (System.nanoTime() - killed) / 1e9;

        Process second = start(command, "second");
        long restarted = System.nanoTime();
        Map<String, Integer> embedded;
        Map<String, Integer> stored;
        try {
            endpoints = awaitEndpoints(second, "second");
            try (CommittedRecords embeddings = new CommittedRecords(endpoints.bootstrapServers(), "semstream.embeddings")) {
                awaitKeys(embeddings, TEXTS, second, "second");
                embeddings.readToEnd(Duration.ofMinutes(1));
                embedded = embeddings.keyCounts();
            }
            try (CommittedRecords changelog = new CommittedRecords(endpoints.bootstrapServers(),
                    AppSettings.DEFAULT_APPLICATION_ID + "-" + EmbedderConfig.VECTOR_STORE + "-changelog")) {
                changelog.readToEnd(Duration.ofMinutes(1));
                stored = changelog.keyCounts();
            }
        } finally {
            second.destroy(); // SIGTERM: a clean stop
            second.waitFor(1, TimeUnit.MINUTES);
        }
        double recovered = (System.nanoTime() - restarted) / 1e9;
        long doubled = embedded.values().stream().filter(n -> n > 1).count();
        System.out.printf("run killed on the embedded default: %d texts, registry child gone %.1f s after the"
                        + " SIGKILL, all embedded %.1f s after the plain restart; lost %d, duplicated %d%n", TEXTS,
                childGone, recovered, TEXTS - embedded.size(), doubled);
        assertEquals(TEXTS, embedded.size(), "every id embedded");
        embedded.forEach((id, n) -> assertEquals(1, n, id + " appears " + n + " times on the embeddings topic"));
        assertEquals(TEXTS, stored.size(), "every id in the vector store");
        stored.forEach((id, n) -> assertEquals(1, n, id + " was written " + n + " times to the vector store"));
    }

    static List<String> runCommand(Path data, int kafkaPort, int registryPort) {
        String java = ProcessHandle.current().info().command().orElse("java");
        return List.of(java, "--add-modules", "jdk.incubator.vector", "-Xmx2g", "-cp",
                System.getProperty("java.class.path"), "dev.semstream.cli.Main", "run", "--data-dir", data.toString(),
                "--http-port", "0", "--kafka-port", Integer.toString(kafkaPort), "--registry-port",
                Integer.toString(registryPort), "--batch-size", "16");
    }

    static Process start(List<String> command, String name) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("SEMSTREAM_KAFKA_COMMIT_INTERVAL_MS", "100");
        pb.redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile());
        return pb.start();
    }

    /** The endpoints the run writes once it is up (the first run's stale file is removed by the second). */
    static Endpoints awaitEndpoints(Process p, String name) throws Exception {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        Path log = dir.resolve(name + ".log");
        while (System.nanoTime() < deadline) {
            assertTrue(p.isAlive(), () -> name + " exited: " + read(log));
            if (read(log).contains("semstream is running")) {
                return Endpoints.read(dir.resolve("data")).orElseThrow();
            }
            Thread.sleep(100); // polling the log under the deadline
        }
        throw new AssertionError(name + " was not running in " + DEADLINE + ": " + read(log));
    }

    static void awaitKeys(CommittedRecords records, int atLeast, Process p, String name) throws Exception {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (records.keyCounts().size() < atLeast) {
            assertTrue(p.isAlive(), () -> name + " exited: " + read(dir.resolve(name + ".log")));
            assertTrue(System.nanoTime() < deadline, () -> "fewer than " + atLeast + " embeddings in " + DEADLINE
                    + ": " + records.keyCounts().size());
            records.poll();
        }
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static String read(Path f) {
        try {
            return Files.readString(f);
        } catch (Exception e) {
            return "(no log)";
        }
    }
}
