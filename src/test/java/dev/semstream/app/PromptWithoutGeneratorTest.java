package dev.semstream.app;

import dev.semstream.topology.TopicDefinitions;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code prompt} with no generator says so in seconds, not after its 120 s timeout (issue 11, row 14), and
 * still waits when something reads the prompts topic. The embedded broker alone: the check comes before
 * anything needs the registry.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PromptWithoutGeneratorTest {
    /** Nothing answers here: a prompt that got past the check fails on the registry, not on the generator. */
    static final String NO_REGISTRY = "http://127.0.0.1:9";

    @TempDir
    static Path dir;
    static BrokerWithTopics kafka;

    @BeforeAll
    static void startTheBroker() throws Exception {
        kafka = BrokerWithTopics.start(dir, "idle", "read");
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void withNoGeneratorThePromptFailsWithinSecondsAndSaysHowToStartOne() {
        // An embedder's group reads the texts topic, not the prompts: it is no generator.
        try (Reader embedder = new Reader("idle-embedder", TopicDefinitions.load("idle").name("texts"))) {
            Cli.Run run = assertTimeoutPreemptively(Duration.ofSeconds(15), () -> prompt("idle", "120"));
            assertEquals(1, run.exit(), run.err());
            assertTrue(run.err().contains("no generator is reading idle.prompts"), run.err());
            assertTrue(run.err().contains("semstream run --generator-model DIR"), run.err());
        }
    }

    @Test
    void withAReaderOfThePromptsTopicThePromptGoesAhead() {
        try (Reader generator = new Reader("read-generator", TopicDefinitions.load("read").name("prompts"))) {
            Cli.Run run = prompt("read", "3");
            assertFalse(run.err().contains("no generator"), run.err());
        }
    }

    private static Cli.Run prompt(String prefix, String timeoutSeconds) {
        return Cli.run("prompt", "x", "--bootstrap-servers", kafka.bootstrapServers(), "--schema-registry-url",
                NO_REGISTRY, "--topic-prefix", prefix, "--timeout", timeoutSeconds);
    }

    /** A consumer group member reading one topic on its own thread, as a Streams application's would. */
    private static final class Reader implements AutoCloseable {
        private final AtomicBoolean stop = new AtomicBoolean();
        private final Thread thread;

        Reader(String group, String topic) {
            AtomicBoolean assigned = new AtomicBoolean();
            thread = new Thread(() -> {
                try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers",
                        kafka.bootstrapServers(), "group.id", group), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                    consumer.subscribe(List.of(topic));
                    while (!stop.get()) {
                        consumer.poll(Duration.ofMillis(100));
                        assigned.set(!consumer.assignment().isEmpty());
                    }
                }
            }, "test-reader-" + group);
            thread.start();
            dev.semstream.embedded.Eventually.await(Duration.ofSeconds(60), group + " assigned " + topic, assigned::get);
        }

        @Override
        public void close() {
            stop.set(true);
            try {
                thread.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
