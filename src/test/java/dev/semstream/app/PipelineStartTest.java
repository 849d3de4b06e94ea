package dev.semstream.app;

import dev.semstream.embedded.Eventually;
import dev.semstream.model.Encoder;
import dev.semstream.model.EncoderOptions;
import dev.semstream.model.load.EncoderModels;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A start that fails part of the way closes what it had started, on the real embedded broker and
 * registry: nothing of it is left listening, running in a child process, or running in this JVM.
 */
// SEPARATE_THREAD: Kafka waits uninterruptibly in places; a hung test must still fail, not hang the build.
@Timeout(value = 300, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PipelineStartTest {
    static Encoder encoder;

    @TempDir
    Path dataDir;

    @BeforeAll
    static void loadEncoder() {
        encoder = EncoderModels.encoder(null, EncoderOptions.defaults());
    }

    /** Row 12 of issue 11: a taken port was reported only after Kafka and the registry had started (45 s). */
    @Test
    void aTakenPortFailsTheStartAtOnceNamingItsFlagBeforeAnythingStarts() throws Exception {
        Set<Long> children = LeftBehind.childProcesses();
        List<String> progress = new ArrayList<>();
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("localhost"))) {
            int port = taken.getLocalPort();
            long begin = System.nanoTime();
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> Pipeline.start(
                    AppSettings.embedded(dataDir).withHttp("localhost", port), encoder, progress::add));
            Duration took = Duration.ofNanos(System.nanoTime() - begin);
            assertTrue(e.getMessage().contains("port " + port + " on localhost (HTTP API) is in use")
                    && e.getMessage().contains("choose another with --http-port PORT"), e.getMessage());
            assertTrue(took.compareTo(Duration.ofSeconds(1)) < 0, "failed in " + took.toMillis() + " ms");
        }
        assertEquals(List.of(), progress, "nothing started");
        assertTrue(Files.notExists(dataDir.resolve("kafka")), "the broker's directory was not even created");
        assertEquals(List.of(), LeftBehind.childProcessesSince(children), "no registry process was started");
    }

    @Test
    void aStartThatFailsAtItsLastStepStopsTheStreamsAppAndTheHttpApiToo() throws Exception {
        Set<Long> children = LeftBehind.childProcesses();
        // The endpoints file is written last; a directory in its place makes that step fail.
        Files.createDirectories(dataDir.resolve(Endpoints.FILE));
        List<String> progress = new ArrayList<>();
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> Pipeline.start(
                AppSettings.embedded(dataDir).withHttp("localhost", 0), encoder, progress::add));
        assertTrue(e.getMessage().contains("cannot write"), e.getMessage());
        String served = progress.stream().filter(line -> line.startsWith("HTTP API and web page on "))
                .findFirst().orElseThrow(() -> new AssertionError("the HTTP API did not start: " + progress));
        LeftBehind.assertFree(Integer.parseInt(served.substring(served.lastIndexOf(':') + 1)), "the HTTP API's");
        // The embedder's client id, and so each of its threads' names, starts with its application id.
        Eventually.await(Duration.ofSeconds(60), "no thread of the embedder's Streams application left",
                () -> embedderThreads().isEmpty());
        assertClusterStopped(children);
    }

    private void assertClusterStopped(Set<Long> childrenBefore) throws Exception {
        for (int port : LeftBehind.brokerPorts(dataDir)) {
            LeftBehind.assertFree(port, "the broker's");
        }
        LeftBehind.assertFree(LeftBehind.registryPort(dataDir), "the registry's");
        assertEquals(List.of(), LeftBehind.childProcessesSince(childrenBefore), "the registry's process is gone");
    }

    private static List<String> embedderThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(name -> name.contains(AppSettings.DEFAULT_APPLICATION_ID + "-")).toList();
    }
}
