package dev.semstream.app;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code produce} prints an id only for a text the broker acknowledged (issue 11, row 11): against the
 * embedded broker, once with its input topic in place and once with it missing, as after a crash that lost
 * it. (Deleting the topic in the test raced: in one run of four the sends after the delete were acknowledged.)
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ProduceAcknowledgementTest {
    @TempDir
    static Path dir;
    static BrokerWithTopics kafka;
    /**
     * Short waits, so a send to a missing topic fails in seconds rather than the default minutes: for its
     * metadata when the producer knows the topic is gone, for its delivery when it still has it cached.
     */
    static Path quickFailure;

    @BeforeAll
    static void startTheBroker() throws Exception {
        quickFailure = Files.writeString(dir.resolve("client.properties"), "max.block.ms=3000\nrequest.timeout.ms=2000\n"
                + "delivery.timeout.ms=4000\n");
        kafka = BrokerWithTopics.start(dir, "present");
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void acknowledgedTextsPrintTheirIdsInInputOrder() {
        Cli.Run run = produce("present", "{\"id\": \"b-2\", \"text\": \"second\"}", "{\"id\": \"a-1\", \"text\": \"first\"}",
                "{\"id\": \"c-3\", \"text\": \"third\"}");
        assertEquals(0, run.exit(), run.err());
        assertEquals("b-2\na-1\nc-3\n", run.out());
    }

    @Test
    void aSendThatFailsPrintsNoIdButNamesItOnStderrAndExitsNonZero() {
        Cli.Run run = produce("gone", "{\"id\": \"lost-1\", \"text\": \"never arrives\"}",
                "{\"id\": \"lost-2\", \"text\": \"not even sent\"}");
        assertEquals(1, run.exit(), run.err());
        assertEquals("", run.out(), "no id for a text the broker never acknowledged");
        assertTrue(run.err().contains("lost-1 was not produced"), run.err());
        assertTrue(run.err().contains("produced 0 of "), run.err());
    }

    private static Cli.Run produce(String prefix, String... lines) {
        String[] args = new String[9 + lines.length];
        System.arraycopy(new String[]{"produce", "--bootstrap-servers", kafka.bootstrapServers(), "--format", "JSON",
                "--topic-prefix", prefix, "--config", quickFailure.toString()}, 0, args, 0, 9);
        System.arraycopy(lines, 0, args, 9, lines.length);
        return Cli.run(args);
    }
}
