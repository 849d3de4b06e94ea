package dev.semstream.embedded;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Apicurio Registry 2.6 running as a child process, for tests and local runs. Semstream talks to it through its
 * Confluent-compatible API at {@link #url()}.
 *
 * <p>It runs out of process because it is a Quarkus application with a few hundred jars of its own, which must not
 * meet ours on one classpath. The distribution zip ({@code io.apicurio:apicurio-registry-app:2.6.13.Final:zip:all})
 * is unpacked once into the work directory and reused by later starts. The process listens on 127.0.0.1 only and
 * logs to {@code registry-<port>.log} in the work directory.
 *
 * <p>The child dies with this JVM ({@link ParentWatchdog}). A persistent registry (one given a work directory)
 * keeps its schemas in an H2 file there, holds the directory's lock while it runs, records its child's pid in
 * {@code registry.pid} so that a leftover of an earlier run is stopped at start, and is supervised: a child that
 * dies is started again on the same port and file, up to {@value #MAX_RESTARTS} times in a row with a doubling
 * pause; then it gives up and tells {@link #onLost} listeners.
 */
public final class EmbeddedSchemaRegistry implements AutoCloseable {
    public static final String VERSION = "2.6.13.Final";
    /** System property naming the distribution zip, overriding the search of the local Maven repository. */
    public static final String ZIP_PROPERTY = "semstream.registry.zip";
    /** Restarts in a row (each child up less than a minute) before the registry is given up. */
    public static final int MAX_RESTARTS = 5;
    private static final String ZIP_NAME = "apicurio-registry-app-" + VERSION + "-all.zip";
    private static final String RUNNER_JAR = "apicurio-registry-app-" + VERSION + "-runner.jar";
    static final String CCOMPAT_PATH = "/apis/ccompat/v7";

    /**
     * How a persistent registry's child is restarted.
     *
     * @param maxInARow   restarts in a row before it is given up
     * @param firstPause  the pause before the first restart, doubled before each next one
     * @param stableAfter a child that served this long before it died starts the count afresh
     */
    record RestartPolicy(int maxInARow, Duration firstPause, Duration stableAfter) {
        static final RestartPolicy DEFAULT = new RestartPolicy(MAX_RESTARTS, Duration.ofSeconds(1), Duration.ofSeconds(60));
    }
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedSchemaRegistry.class);

    private final Path workDir;
    private final Path home;
    private final int port;
    private final Path log;
    private final ClassArchive archive;
    private final List<String> command;
    private final Duration timeout;
    private final Consumer<String> notices;
    /** Null for the in-memory registry, which is neither locked nor supervised. */
    private final DirectoryLock lock;
    private final RestartPolicy restarts;
    private final List<Runnable> lostListeners = new CopyOnWriteArrayList<>();
    private volatile RegistryChild child;
    private volatile boolean closed;
    private volatile RuntimeException failure;
    private volatile long readySince;
    private Thread supervisor;
    private Duration startupTime;

    private EmbeddedSchemaRegistry(Path workDir, Path home, int port, Path log, ClassArchive archive,
                                   List<String> command, Duration timeout, Consumer<String> notices,
                                   DirectoryLock lock, RestartPolicy restarts) {
        this.workDir = workDir;
        this.home = home;
        this.port = port;
        this.log = log;
        this.archive = archive;
        this.command = command;
        this.timeout = timeout;
        this.notices = notices;
        this.lock = lock;
        this.restarts = restarts;
    }

    /**
     * Starts a fresh, in-memory registry working in {@code target/embedded-schema-registry}, waiting at most
     * two minutes for it: for tests, which want an empty registry every time.
     */
    public static EmbeddedSchemaRegistry start() {
        return start(Path.of("target", "embedded-schema-registry"), 0, Duration.ofMinutes(2), LOG::info, null);
    }

    /** A persistent registry on a free port, its notices logged: see {@link #start(Path, int, Duration, Consumer)}. */
    public static EmbeddedSchemaRegistry start(Path workDir, Duration timeout) {
        return start(workDir, 0, timeout, LOG::info);
    }

    /**
     * Starts a registry that unpacks into, logs to and keeps its schemas in {@code workDir} (so a restart on the
     * same directory keeps every schema and its id), and returns once its API answers.
     *
     * @param port    its port on 127.0.0.1; 0 picks a free one (kept for the restarts of this registry)
     * @param notices one line each for what the user should know: a stale registry stopped, a restart
     * @throws IllegalStateException if the zip cannot be found, another process uses {@code workDir}, or the
     *                               registry dies or is not up by {@code timeout} (the message then gives the cause
     *                               first and quotes the end of its log)
     */
    public static EmbeddedSchemaRegistry start(Path workDir, int port, Duration timeout, Consumer<String> notices) {
        return start(workDir, port, timeout, notices, RestartPolicy.DEFAULT);
    }

    /** @param restarts how a persistent registry is restarted; null for the in-memory one, which is not */
    static EmbeddedSchemaRegistry start(Path workDir, int port, Duration timeout, Consumer<String> notices,
                                        RestartPolicy restarts) {
        boolean persistent = restarts != null;
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0 (pick a free one) or 1 to 65535, got " + port);
        }
        long begin = System.nanoTime();
        // Absolute: the process runs in the unpacked home, where relative paths would point elsewhere.
        workDir = workDir.toAbsolutePath().normalize();
        DirectoryLock lock = persistent ? lock(workDir) : null;
        EmbeddedSchemaRegistry registry;
        try {
            if (persistent) StaleRegistry.stopLeftover(workDir, notices);
            Path home = unpack(findZip(), workDir.resolve("apicurio-registry-" + VERSION));
            ClassArchive archive = new ClassArchive(home);
            int chosen = port == 0 ? FreePort.pick() : port;
            Path log = workDir.resolve("registry-" + chosen + ".log");
            Files.write(log, new byte[0]);
            registry = new EmbeddedSchemaRegistry(workDir, home, chosen, log, archive,
                    command(workDir, home, archive, chosen, persistent), timeout, notices, lock, restarts);
        } catch (IOException e) {
            closeQuietly(lock);
            throw new UncheckedIOException("cannot prepare the schema registry in " + workDir, e);
        } catch (RuntimeException e) {
            closeQuietly(lock);
            throw e;
        }
        try {
            registry.launch();
            registry.child.awaitReady(begin + timeout.toNanos());
        } catch (RuntimeException e) {
            registry.close();
            throw e;
        }
        registry.readySince = System.nanoTime();
        registry.startupTime = Duration.ofNanos(System.nanoTime() - begin);
        if (persistent) {
            registry.supervisor = new Thread(registry::supervise, "semstream-registry-supervisor");
            registry.supervisor.setDaemon(true);
            registry.supervisor.start();
        }
        return registry;
    }

    private static DirectoryLock lock(Path workDir) {
        DirectoryLock lock;
        try {
            Files.createDirectories(workDir);
            lock = DirectoryLock.tryAcquire(workDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the schema registry directory " + workDir, e);
        }
        if (lock == null) {
            throw new IllegalStateException("schema registry directory " + workDir
                    + " is in use by another running semstream; stop it or use another data dir");
        }
        return lock;
    }

    private static List<String> command(Path workDir, Path home, ClassArchive archive, int port, boolean persistent) {
        Path runner = home.resolve(RUNNER_JAR);
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        if (persistent) {
            command.add(StaleRegistry.marker(workDir));
        }
        command.addAll(List.of(
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
                // Apicurio's admin API (export, import, log levels, global rules), its v1 and other compat APIs
                // and its UI are off: loopback is not a credential, since any web page the user opens can send
                // requests to 127.0.0.1. The Confluent API and the native v2 artifact API are what clients use.
                "-Dregistry.disable.apis=/apis/registry/v2/admin/.*,/apis/registry/v1/.*,/apis/ibmcompat/.*,"
                        + "/apis/cncf/.*,/ui.*",
                "-Dquarkus.log.console.color=false"));
        if (persistent) {
            // Schemas in an H2 file under workDir, not in memory: the records on the topics carry schema
            // ids, so a restarted registry must answer the same ids with the same schemas.
            // WRITE_DELAY=0: H2 writes each commit to the file at once instead of within a second, so a child that
            // dies (killed, or its parent gone) never takes a schema id it has already answered with it.
            command.add("-Dquarkus.datasource.jdbc.url=jdbc:h2:file:" + workDir.resolve("db").resolve("registry")
                    + ";WRITE_DELAY=0");
        }
        // The runner jar's manifest class path brings Apicurio's lib/ along, as with -jar.
        command.addAll(List.of("-cp", WatchdogJar.ensure(home) + File.pathSeparator + runner,
                ParentWatchdog.class.getName(), runner.toString()));
        return command;
    }

    /** Starts a child and makes it the current one (or stops it again if the registry was closed meanwhile). */
    private void launch() {
        RegistryChild started = RegistryChild.start(command, home, log, url() + "/subjects");
        synchronized (this) {
            if (closed) {
                started.stop();
                throw new IllegalStateException("the schema registry was closed while starting");
            }
            child = started;
        }
        if (lock != null) StaleRegistry.record(workDir, started.pid());
    }

    /** Waits for the current child to die, then starts another on the same port and file, with a backoff. */
    private void supervise() {
        int inARow = 0;
        while (!closed) {
            RegistryChild watched = child;
            int exit;
            try {
                exit = watched.awaitExit();
            } catch (InterruptedException closing) {
                return;
            }
            if (closed) return;
            if (System.nanoTime() - readySince > restarts.stableAfter().toNanos()) inARow = 0;
            String why = "the schema registry (pid " + watched.pid() + ") exited with code " + exit;
            while (true) {
                inARow++;
                if (inARow > restarts.maxInARow()) {
                    giveUp(why);
                    return;
                }
                Duration pause = restarts.firstPause().multipliedBy(1L << (inARow - 1));
                notices.accept(why + "; restarting it on port " + port + " with the same data in "
                        + pause.toSeconds() + " s (restart " + inARow + " of at most " + restarts.maxInARow() + ")");
                try {
                    Thread.sleep(pause.toMillis());
                    launch();
                    child.awaitReady(System.nanoTime() + timeout.toNanos());
                    readySince = System.nanoTime();
                    notices.accept("the schema registry is back on " + url() + " (pid " + child.pid() + ")");
                    break;
                } catch (InterruptedException closing) {
                    return;
                } catch (RuntimeException e) {
                    if (closed) return;
                    child.stop();
                    why = "the restarted schema registry failed: " + firstLine(e.getMessage());
                }
            }
        }
    }

    private void giveUp(String why) {
        failure = new IllegalStateException(why + "; gave up after " + restarts.maxInARow() + " restarts in a row. Log: " + log);
        notices.accept(failure.getMessage());
        lostListeners.forEach(Runnable::run);
    }

    /** Runs {@code listener} once the registry has died and could not be restarted (at once if that happened). */
    public void onLost(Runnable listener) {
        lostListeners.add(listener);
        if (failure != null) listener.run();
    }

    /** Why the registry was given up, or null while it runs (or was closed). */
    public RuntimeException failure() {
        return failure;
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

    /** The registry process's combined stdout and stderr (of every restart, appended). */
    public Path log() {
        return log;
    }

    /** Whether the current registry process is running. */
    public boolean isAlive() {
        RegistryChild current = child;
        return current != null && current.isAlive();
    }

    /** Stops the registry (no restart after this) and everything it started, and waits for them to exit. */
    @Override
    public void close() {
        RegistryChild current;
        synchronized (this) {
            if (closed) return;
            closed = true;
            current = child;
        }
        if (supervisor != null) supervisor.interrupt();
        boolean clean = current != null && current.stop();
        // A process killed mid-dump may have left half an archive; only a clean exit's dump is kept.
        archive.keepIfDumped(clean);
        if (supervisor != null) {
            try {
                supervisor.join(Duration.ofSeconds(30).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (lock != null) {
            StaleRegistry.forget(workDir);
            closeQuietly(lock);
        }
    }

    private static String firstLine(String message) {
        if (message == null) return "(no message)";
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    private static void closeQuietly(DirectoryLock lock) {
        if (lock == null) return;
        try {
            lock.close();
        } catch (IOException e) {
            LOG.warn("cannot release the lock of the schema registry directory: {}", e.getMessage());
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
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

}
