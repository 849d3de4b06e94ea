package dev.semstream.embedded;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Startup has a deadline; a broker that misses it is shut down and its directory freed. */
// SEPARATE_THREAD: Kafka waits uninterruptibly in places; a hung test must still fail, not hang the build.
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class StartupTimeoutTest {

    @TempDir
    Path dir;

    @Test
    void missedDeadlineIsAnErrorAndTheDirectoryStaysUsable() {
        EmbeddedKafkaException e = assertThrows(EmbeddedKafkaException.class,
                () -> EmbeddedKafka.start(dir, 0, Duration.ofMillis(1)).close());
        assertTrue(e.getMessage().contains("did not start within 1 ms"), e.getMessage());
        EmbeddedKafka.start(dir).close();
    }
}
