package dev.semstream.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Apicurio Registry 2.6 (in-memory storage) running as a child process, for tests and local runs. Semstream
 * talks to it through its Confluent-compatible API at {@link #url()}.
 *
 * <p>The app distribution stores in memory (H2) by default, so every start is an empty registry.
 * It runs out of process because it is a Quarkus application with a few hundred jars of its own, which
 * must not meet ours on one classpath. The distribution zip ({@code io.apicurio:apicurio-registry-app:2.6.13.Final:zip:all})
 * is unpacked once into the work directory and reused by later starts. The process listens on 127.0.0.1 only, on
 * free ports, and logs to {@code registry.log} in the work directory.
 */
public final class EmbeddedSchemaRegistry implements AutoCloseable {
    public static final String VERSION = "2.6.13.Final";
    /** System property naming the distribution zip, overriding the search of the local Maven repository. */
    public static final String ZIP_PROPERTY = "semstream.registry.zip";
    private static final String ZIP_NAME = "apicurio-registry-app-" + VERSION + "-all.zip";
    private static final String RUNNER_JAR = "apicurio-registry-app-" + VERSION + "-runner.jar";
    static final String CCOMPAT_PATH = "/apis/ccompat/v7";

    private final Process process;
    private final int port;
    private final Path log;
    private final ClassArchive archive;
    private Duration startupTime;

    private EmbeddedSchemaRegistry(Process process, int port, Path log, ClassArchive archive) {
        this.process = process;
        this.port = port;
        this.log = log;
        this.archive = archive;
    }

    /**
     * Starts a fresh, in-memory registry working in {@code target/embedded-schema-registry}, waiting at most
     * two minutes for it: for tests, which want an empty registry every time.
     */
    public static EmbeddedSchemaRegistry start() {
        return start(Path.of("target", "embedded-schema-registry"), Duration.ofMinutes(2), false);
    }

    /**
     * Starts a registry that unpacks into, logs to and keeps its schemas in {@code workDir} (so a restart
     * on the same directory keeps every schema and its id), and returns once its API answers.
     *
     * @throws IllegalStateException if the zip cannot be found, or the registry dies or is not up by {@code timeout}
     *                               (the message then quotes the end of its log)
     */
    public static EmbeddedSchemaRegistry start(Path workDir, Duration timeout) {
        return start(workDir, timeout, true);
    }

    private static EmbeddedSchemaRegistry start(Path workDir, Duration timeout, boolean persistent) {
        long begin = System.nanoTime();
        // Absolute: the process runs in the unpacked home, where relative paths would point elsewhere.
        workDir = workDir.toAbsolutePath();
        Path home = unpack(findZip(), workDir.resolve("apicurio-registry-" + VERSION));
        ClassArchive archive = new ClassArchive(home);
        int port = freePort();
        Path log = workDir.resolve("registry-" + port + ".log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // A registry with a handful of test schemas needs little heap; C1 only starts Quarkus faster.
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                archive.jvmFlag(),
                "-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.http.port=" + port,
                // The management interface (health, metrics) would otherwise take port 9000 on every instance.
                "-Dquarkus.management.enabled=false",
                // Match schemas by their parsed form, as Confluent's registry does, not by their text: the same
                // .avsc registered pretty-printed by one client and compact by another is one version, one id.
                "-Dregistry.ccompat.use-canonical-hash=true",
                "-Dquarkus.log.console.color=false",
                "-jar", home.resolve(RUNNER_JAR).toString()));
        if (persistent) {
            // Schemas in an H2 file under workDir, not in memory: the records on the topics carry schema
            // ids, so a restarted registry must answer the same ids with the same schemas.
            command.add(command.size() - 2,
                    "-Dquarkus.datasource.jdbc.url=jdbc:h2:file:" + workDir.resolve("db").resolve("registry"));
        }
        Process process;
        try {
            process = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the schema registry: " + command, e);
        }
        EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry(process, port, log, archive);
        try {
            registry.awaitReady(begin + timeout.toNanos());
        } catch (RuntimeException e) {
            registry.close();
            throw e;
        }
        registry.startupTime = Duration.ofNanos(System.nanoTime() - begin);
        return registry;
    }

    /** The Confluent-compatible API's base URL, e.g. {@code http://127.0.0.1:41234/apis/ccompat/v7}. */
    public String url() {
        return baseUrl() + CCOMPAT_PATH;
    }

    /** Apicurio's native v2 API, which Apicurio's own serdes talk to. */
    public String apicurioUrl() {
        return baseUrl() + "/apis/registry/v2";
    }

    private String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** From the start call to the first successful answer, unpacking included. */
    public Duration startupTime() {
        return startupTime;
    }

    /** The registry process's combined stdout and stderr. */
    public Path log() {
        return log;
    }

    /** Whether the registry process is still running. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** Stops the registry and everything it started, and waits for them to exit. */
    @Override
    public void close() {
        if (!process.isAlive()) return;
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
        // A process killed mid-dump may have left half an archive; only a clean exit's dump is kept.
        archive.keepIfDumped(clean);
    }

    /** Polls the subjects endpoint until it answers 200, the process dies, or the deadline passes. */
    private void awaitReady(long deadline) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest probe = HttpRequest.newBuilder(URI.create(url() + "/subjects")).timeout(Duration.ofSeconds(2)).GET().build();
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("schema registry exited with " + process.exitValue() + " before it was ready; log "
                        + log + ":\n" + tail());
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
                throw new IllegalStateException("schema registry not ready at " + url() + " in time; log " + log + ":\n" + tail());
            }
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
    }

    private String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(cannot read log: " + e + ")";
        }
    }

    /** The distribution zip: the system property, else the local Maven repository, else target/lib (dependency:copy). */
    static Path findZip() {
        List<Path> candidates = new ArrayList<>();
        String property = System.getProperty(ZIP_PROPERTY);
        if (property != null && !property.isBlank()) {
            Path p = Path.of(property);
            if (Files.isRegularFile(p)) return p;
            throw new IllegalStateException(ZIP_PROPERTY + " names " + p + ", which does not exist");
        }
        candidates.add(Path.of(System.getProperty("user.home"), ".m2", "repository", "io", "apicurio",
                "apicurio-registry-app", VERSION, ZIP_NAME));
        candidates.add(Path.of("target", "lib", ZIP_NAME));
        for (Path p : candidates) {
            if (Files.isRegularFile(p)) return p;
        }
        throw new IllegalStateException("Apicurio Registry distribution not found; looked at " + candidates
                + ". Run 'mvn dependency:resolve' (it is a runtime dependency of semstream) or set -D" + ZIP_PROPERTY + "=<zip>");
    }

    /**
     * Unpacks the zip into {@code home} unless a previous run did. Unpacks into a sibling temp directory and renames
     * it into place, so a run killed halfway never leaves a half-unpacked home that looks complete.
     */
    static Path unpack(Path zip, Path home) {
        if (Files.isRegularFile(home.resolve(RUNNER_JAR))) return home;
        try {
            Files.createDirectories(home.getParent());
            Path temp = Files.createTempDirectory(home.getParent(), home.getFileName() + ".unpacking");
            try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
                for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                    Path target = temp.resolve(e.getName()).normalize();
                    if (!target.startsWith(temp)) throw new IOException("zip entry escapes the directory: " + e.getName());
                    if (e.isDirectory()) {
                        Files.createDirectories(target);
                    } else {
                        Files.createDirectories(target.getParent());
                        Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
            if (!Files.isRegularFile(temp.resolve(RUNNER_JAR))) {
                throw new IllegalStateException(zip + " has no " + RUNNER_JAR + " at its top level");
            }
            try {
                Files.move(temp, home, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException anotherRunWon) {
                if (!Files.isRegularFile(home.resolve(RUNNER_JAR))) throw anotherRunWon;
                deleteTree(temp);
            }
            return home;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack " + zip + " into " + home, e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port for the schema registry", e);
        }
    }
}
