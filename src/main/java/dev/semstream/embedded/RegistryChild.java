package dev.semstream.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One registry process: started, waited for, stopped. Its stdin is a pipe this JVM holds open and never writes
 * to, which {@link ParentWatchdog} in the child reads: the child stops when this JVM dies, however it dies.
 */
final class RegistryChild {
    private final Process process;
    private final Path log;
    private final String subjectsUrl;

    private RegistryChild(Process process, Path log, String subjectsUrl) {
        this.process = process;
        this.log = log;
        this.subjectsUrl = subjectsUrl;
    }

    /** Starts the command, its output appended to {@code log} (a restart keeps the log of the one before). */
    static RegistryChild start(List<String> command, Path home, Path log, String subjectsUrl) {
        try {
            Process process = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.PIPE).start();
            return new RegistryChild(process, log, subjectsUrl);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the schema registry: " + command, e);
        }
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Blocks until the process exits, and returns its exit code. */
    int awaitExit() throws InterruptedException {
        return process.waitFor();
    }

    /** Polls the subjects endpoint until it answers 200, the process dies, or the deadline passes. */
    void awaitReady(long deadline) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest probe = HttpRequest.newBuilder(URI.create(subjectsUrl)).timeout(Duration.ofSeconds(2)).GET().build();
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("schema registry exited with " + process.exitValue()
                        + " before it was ready: " + RegistryLog.cause(log) + "; log " + log + ":\n" + RegistryLog.tail(log));
            }
            try {
                if (http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) return;
            } catch (IOException notListeningYet) {
                // Expected until Quarkus opens the port.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the schema registry", e);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("schema registry not ready at " + subjectsUrl + " in time; log " + log
                        + ":\n" + RegistryLog.tail(log));
            }
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
    }

    /** Stops the process and everything it started; true when all of it exited on SIGTERM. */
    boolean stop() {
        if (!process.isAlive()) return false;
        List<ProcessHandle> tree = new ArrayList<>();
        process.descendants().forEach(tree::add);
        tree.add(process.toHandle());
        // SIGTERM first: Quarkus shuts down cleanly and the JVM writes its class archive on the way out.
        tree.forEach(ProcessHandle::destroy);
        boolean clean = true;
        for (ProcessHandle p : tree) {
            try {
                p.onExit().get(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                clean = false;
                p.destroyForcibly();
            } catch (Exception slow) {
                clean = false;
                p.destroyForcibly();
            }
        }
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) clean = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            clean = false;
        }
        return clean;
    }
}
