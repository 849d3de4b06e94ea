package dev.semstream.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The pid file of a persistent registry's child, and the clean-up of one that an earlier run left behind.
 *
 * <p>Read only while holding the work directory's lock: then no live run owns the directory, so a live process
 * that the pid file names and whose command line carries this directory's marker is a leftover (from a parent
 * killed before its child's watchdog existed, or a child that ignored it). A pid that is alive but without the
 * marker was reused by the system for something else and is left alone.
 */
final class StaleRegistry {
    static final String PID_FILE = "registry.pid";
    /** On the child's command line, so a pid can be told to be ours and this directory's. */
    static final String MARKER_PROPERTY = "semstream.registry.dir";

    private StaleRegistry() {
    }

    static String marker(Path workDir) {
        return "-D" + MARKER_PROPERTY + "=" + workDir;
    }

    static void record(Path workDir, long pid) {
        try {
            DataDirectory.writeAtomically(workDir.resolve(PID_FILE), pid + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + workDir.resolve(PID_FILE), e);
        }
    }

    static void forget(Path workDir) {
        try {
            Files.deleteIfExists(workDir.resolve(PID_FILE));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + workDir.resolve(PID_FILE), e);
        }
    }

    /** Stops the registry an earlier run left running on {@code workDir}, if any, saying so in one line. */
    static void stopLeftover(Path workDir, Consumer<String> notices) {
        Optional<ProcessHandle> leftover = recordedPid(workDir).flatMap(ProcessHandle::of)
                .filter(ProcessHandle::isAlive)
                .filter(p -> p.info().commandLine().map(c -> c.contains(marker(workDir))).orElse(false));
        if (leftover.isPresent()) {
            ProcessHandle p = leftover.get();
            boolean clean = stop(p);
            notices.accept("stopped a stale schema registry (pid " + p.pid() + ") that an earlier run left on "
                    + workDir + (clean ? "" : " (killed: it did not stop within 20 s)"));
        }
        forget(workDir);
    }

    private static Optional<Long> recordedPid(Path workDir) {
        Path file = workDir.resolve(PID_FILE);
        try {
            return Optional.of(Long.parseLong(Files.readString(file, StandardCharsets.UTF_8).strip()));
        } catch (IOException | NumberFormatException missingOrDamaged) {
            return Optional.empty();
        }
    }

    /** SIGTERM, so H2 closes its file; SIGKILL if that takes too long. True when it stopped on SIGTERM. */
    static boolean stop(ProcessHandle p) {
        p.descendants().forEach(ProcessHandle::destroy);
        p.destroy();
        try {
            p.onExit().get(20, TimeUnit.SECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception slow) {
            // Falls through to the kill.
        }
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.onExit().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
        }
        return false;
    }
}
