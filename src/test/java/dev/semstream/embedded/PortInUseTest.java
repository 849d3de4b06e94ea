package dev.semstream.embedded;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A fixed port that is taken fails the start with the port in the message, and leaves the directory usable. */
// SEPARATE_THREAD: Kafka waits uninterruptibly in places; a hung test must still fail, not hang the build.
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PortInUseTest {

    @TempDir
    Path dir;

    @Test
    void takenPortIsAClearErrorAndTheDirectoryStaysUsable() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            EmbeddedKafkaException e = assertThrows(EmbeddedKafkaException.class,
                    () -> EmbeddedKafka.start(dir, port, Duration.ofSeconds(30)).close());
            assertTrue(e.getMessage().contains("127.0.0.1:" + port) && e.getMessage().contains("failed to bind to 127.0.0.1:" + port + ": Address already in use"),
                    e.getMessage());
        }
        EmbeddedKafka.start(dir).close();
    }
}
