package dev.semstream.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A data directory that is not, or no longer, an embedded broker's is refused with a message that says why. */
// SEPARATE_THREAD: Kafka waits uninterruptibly in places; a hung test must still fail, not hang the build.
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DataDirectoryErrorsTest {

    @TempDir
    Path dir;

    @Test
    void foreignDirectoryIsRefusedAndLeftUntouched() throws IOException {
        Files.writeString(dir.resolve("notes.txt"), "mine");
        String message = refused(dir);
        assertTrue(message.contains("not an embedded Kafka data directory") && message.contains("cluster.id"), message);
        try (var entries = Files.list(dir)) {
            assertEquals(1, entries.count(), "nothing added to a directory that is not ours");
        }
    }

    @Test
    void unreadableClusterIdIsRefused() throws IOException {
        Files.writeString(dir.resolve("cluster.id"), "not a cluster id\n");
        String message = refused(dir);
        assertTrue(message.contains("does not hold a Kafka cluster id") && message.contains("not a cluster id"), message);
    }

    @Test
    void anotherClustersDataIsRefused() throws IOException {
        EmbeddedKafka.start(dir).close();
        Files.writeString(dir.resolve("cluster.id"), Uuid.randomUuid() + "\n");
        String message = refused(dir);
        assertTrue(message.contains("inconsistent") && message.contains("meta.properties"), message);
    }

    @Test
    void logsWithoutMetaPropertiesAreRefused() throws IOException {
        EmbeddedKafka.start(dir).close();
        Files.delete(dir.resolve("kafka-logs").resolve("meta.properties"));
        String message = refused(dir);
        assertTrue(message.contains("damaged") && message.contains("no meta.properties"), message);
    }

    @Test
    void aDirectoryInUseIsRefusedAndFreeAgainAfterClose() {
        EmbeddedKafka first = EmbeddedKafka.start(dir);
        try {
            String message = refused(dir);
            assertTrue(message.contains("in use by another embedded broker"), message);
        } finally {
            first.close();
        }
        // Neither the refused attempt nor the closed broker keeps the directory.
        EmbeddedKafka.start(dir).close();
    }

    @Test
    void aMissingDirectoryIsCreated() {
        Path nested = dir.resolve("a").resolve("b");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(nested)) {
            assertTrue(Files.isRegularFile(nested.resolve("cluster.id")));
            assertEquals(nested.toAbsolutePath(), kafka.dataDir());
        }
        assertFalse(Files.exists(nested.resolve("cluster.id.tmp")));
    }

    private static String refused(Path dataDir) {
        return assertThrows(EmbeddedKafkaException.class, () -> EmbeddedKafka.start(dataDir).close()).getMessage();
    }
}
