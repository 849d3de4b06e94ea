package dev.semstream.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.common.Uuid;

/**
 * The embedded broker's data directory and the checks that it is ours:
 *
 * <pre>
 * dataDir/
 *   .semstream.lock     held while a broker runs on the directory
 *   cluster.id          the cluster id, written once before the first format and reused on every start
 *   server.properties   the broker config of the latest start (rewritten each start; for people and the formatter)
 *   kafka-logs/         Kafka's log.dirs and metadata log (meta.properties, topics, __consumer_offsets, ...)
 * </pre>
 *
 * <p>The cluster id is written <em>before</em> formatting so that a start interrupted between the two
 * formats again with the same id instead of leaving a directory that can never be opened.
 */
final class DataDirectory implements AutoCloseable {

    static final String CLUSTER_ID_FILE = "cluster.id";
    static final String LOG_DIR = "kafka-logs";
    static final String CONFIG_FILE = "server.properties";

    private final Path root;
    private final DirectoryLock lock;
    private String clusterId;

    private DataDirectory(Path root, DirectoryLock lock) {
        this.root = root;
        this.lock = lock;
    }

    /**
     * Opens a data directory, creating it (with a new cluster id) when it is missing or empty.
     *
     * @throws EmbeddedKafkaException when the directory holds something that is not an embedded broker's data
     */
    static DataDirectory open(Path root) {
        Path dir = root.toAbsolutePath().normalize();
        try {
            Files.createDirectories(dir);
            Path idFile = dir.resolve(CLUSTER_ID_FILE);
            // Checked before locking, so that a wrong path (a home directory, another tool's data) is left untouched.
            if (!Files.exists(idFile) && !isEmptyBesidesLock(dir)) {
                throw new EmbeddedKafkaException(dir + " is not an embedded Kafka data directory: it is not empty and has no "
                        + CLUSTER_ID_FILE + ". Use an empty or new directory, or the one a previous run created.");
            }
            DataDirectory data = new DataDirectory(dir, DirectoryLock.acquire(dir));
            try {
                data.loadOrCreateClusterId(idFile);
                data.checkLogDir();
                return data;
            } catch (IOException | RuntimeException e) {
                data.close();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare Kafka data directory " + dir, e);
        }
    }

    private void loadOrCreateClusterId(Path idFile) throws IOException {
        if (Files.exists(idFile)) {
            clusterId = readClusterId(idFile);
        } else {
            clusterId = Uuid.randomUuid().toString();
            writeAtomically(idFile, clusterId + "\n");
        }
    }

    /** Releases the directory for the next broker. */
    @Override
    public void close() {
        try {
            lock.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot release the lock on " + root, e);
        }
    }

    Path root() {
        return root;
    }

    String clusterId() {
        return clusterId;
    }

    Path logDir() {
        return root.resolve(LOG_DIR);
    }

    Path configFile() {
        return root.resolve(CONFIG_FILE);
    }

    /** True when Kafka's storage has not been formatted yet: the first start, or one interrupted before formatting. */
    boolean needsFormat() {
        return !Files.exists(metaProperties());
    }

    private Path metaProperties() {
        return logDir().resolve("meta.properties");
    }

    // Kafka would refuse a mismatched or half-deleted log dir too, but deep in startup and in its own words;
    // these checks say which directory is wrong and what to do about it.
    private void checkLogDir() throws IOException {
        Path meta = metaProperties();
        if (Files.exists(meta)) {
            Properties props = new Properties();
            try (InputStream in = Files.newInputStream(meta)) {
                props.load(in);
            }
            String formattedWith = props.getProperty("cluster.id");
            if (!clusterId.equals(formattedWith)) {
                throw new EmbeddedKafkaException("Kafka data directory " + root + " is inconsistent: " + CLUSTER_ID_FILE
                        + " says " + clusterId + " but " + meta + " says " + formattedWith
                        + ". It holds another cluster's data; use a new directory.");
            }
        } else if (Files.isDirectory(logDir()) && !isEmpty(logDir())) {
            throw new EmbeddedKafkaException("Kafka data directory " + root + " is damaged: " + logDir()
                    + " has data but no meta.properties. Use a new directory.");
        }
    }

    private static String readClusterId(Path idFile) throws IOException {
        String id = Files.readString(idFile, StandardCharsets.UTF_8).strip();
        try {
            Uuid uuid = Uuid.fromString(id);
            if (uuid.equals(Uuid.ZERO_UUID) || uuid.equals(Uuid.METADATA_TOPIC_ID)) {
                throw new IllegalArgumentException("reserved id");
            }
        } catch (IllegalArgumentException e) {
            throw new EmbeddedKafkaException(idFile + " does not hold a Kafka cluster id (22 characters of URL-safe base64): '"
                    + (id.length() > 40 ? id.substring(0, 40) + "..." : id) + "'. The data directory is damaged; use a new one.");
        }
        return id;
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }

    // A lock file alone is what a racing first start leaves; the directory is still ours to create.
    private static boolean isEmptyBesidesLock(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.allMatch(p -> p.getFileName().toString().equals(DirectoryLock.FILE_NAME));
        }
    }

    static void writeAtomically(Path file, String content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
