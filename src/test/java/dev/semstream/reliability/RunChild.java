package dev.semstream.reliability;

import dev.semstream.embedded.CommittedRecords;
import dev.semstream.app.Endpoints;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code semstream run} as a user starts it, in a child JVM: one command line, started as often as a test
 * needs (a restart is the same command again), each start logging to {@code <dir>/<name>.log}, its data dir
 * {@code <dir>/data}. Fixed Kafka and registry ports, as the default is: a restart must find them free again.
 */
final class RunChild {
    static final Duration DEADLINE = Duration.ofMinutes(4);

    private final Path dir;
    private final List<String> command;

    /** The run on {@code <dir>/data} with {@code --batch-size 16}, then {@code extraArgs} (e.g. {@code --model DIR}). */
    RunChild(Path dir, String... extraArgs) throws Exception {
        this.dir = dir;
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> c = new ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector", "-Xmx2g", "-cp",
                System.getProperty("java.class.path"), "dev.semstream.cli.Main", "run", "--data-dir",
                data().toString(), "--http-port", "0", "--kafka-port", Integer.toString(freePort()),
                "--registry-port", Integer.toString(freePort()), "--batch-size", "16"));
        c.addAll(List.of(extraArgs));
        this.command = List.copyOf(c);
    }

    Path data() {
        return dir.resolve("data");
    }

    Process start(String name) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("SEMSTREAM_KAFKA_COMMIT_INTERVAL_MS", "100");
        pb.redirectErrorStream(true).redirectOutput(log(name).toFile());
        return pb.start();
    }

    /** The endpoints the run writes once it is up (the first run's stale file is removed by the second). */
    Endpoints awaitEndpoints(Process p, String name) throws Exception {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (System.nanoTime() < deadline) {
            assertTrue(p.isAlive(), () -> name + " exited: " + read(log(name)));
            if (read(log(name)).contains("semstream is running")) {
                return Endpoints.read(data()).orElseThrow();
            }
            Thread.sleep(100); // polling the log under the deadline
        }
        throw new AssertionError(name + " was not running in " + DEADLINE + ": " + read(log(name)));
    }

    void awaitKeys(CommittedRecords records, int atLeast, Process p, String name) throws Exception {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (records.keyCounts().size() < atLeast) {
            assertTrue(p.isAlive(), () -> name + " exited: " + read(log(name)));
            assertTrue(System.nanoTime() < deadline, () -> "fewer than " + atLeast + " embeddings in " + DEADLINE
                    + ": " + records.keyCounts().size());
            records.poll();
        }
    }

    /** The pid of the registry child the running run started (read before a kill: the run cannot tidy up then). */
    long registryPid() throws Exception {
        return Long.parseLong(Files.readString(data().resolve("registry").resolve("registry.pid")).strip());
    }

    /**
     * SIGKILLs the run (no shutdown hook, an open transaction, a registry child left to itself) and waits for
     * its registry child to go with it.
     *
     * @return seconds from the kill until the registry child was gone
     */
    static double sigkill(Process run, long registryPid) throws Exception {
        run.destroyForcibly();
        run.waitFor(1, TimeUnit.MINUTES);
        long killed = System.nanoTime();
        Optional<ProcessHandle> registry = ProcessHandle.of(registryPid);
        while (registry.isPresent() && registry.get().isAlive()) {
            assertTrue(System.nanoTime() - killed < Duration.ofSeconds(30).toNanos(),
                    "the registry child (pid " + registryPid + ") outlived its parent by 30 s");
            Thread.sleep(100); // polling under the deadline above
        }
        return (System.nanoTime() - killed) / 1e9;
    }

    Path log(String name) {
        return dir.resolve(name + ".log");
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
