package dev.semstream.reliability;

import dev.semstream.embedded.CommittedRecords;

import dev.semstream.app.AppSettings;
import dev.semstream.app.Endpoints;
import dev.semstream.query.HttpJson;
import dev.semstream.topology.EmbedderConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The embedded default as a user runs it: {@code semstream run} (broker, registry child, embedder, API in one
 * process tree) is SIGKILLed in the middle of a backlog and started again with the same command. The
 * registry child must go with its parent, the second start must need no manual step, and every text must
 * be embedded exactly once, read committed, on the embeddings topic and in the vector store's changelog.
 */
class RunKilledOnTheEmbeddedDefaultTest {
    static final int TEXTS = 300;

    @TempDir
    static Path dir;

    @Test
    @Timeout(value = 12, unit = TimeUnit.MINUTES)
    void aPlainRestartAfterSigkillLosesAndDoublesNothing() throws Exception {
        RunChild run = new RunChild(dir);
        Process first = run.start("first");
        long registryPid;
        Endpoints endpoints;
        try {
            endpoints = run.awaitEndpoints(first, "first");
            List<Map<String, Object>> texts = new ArrayList<>();
            for (int i = 0; i < TEXTS; i++) {
                texts.add(Map.of("id", String.format("k-%04d", i), "text", "text " + i
                        + ": the model predicts the next token from the ones before it"));
            }
            assertEquals(202, HttpJson.post(endpoints.queryUrl() + "/texts", Map.of("texts", texts)).status());
            try (CommittedRecords embeddings = new CommittedRecords(endpoints.bootstrapServers(), "semstream.embeddings")) {
                run.awaitKeys(embeddings, 40, first, "first");
            }
            registryPid = run.registryPid();
        } catch (Throwable t) {
            first.destroyForcibly();
            throw t;
        }
        double childGone = RunChild.sigkill(first, registryPid);

        Process second = run.start("second");
        long restarted = System.nanoTime();
        Map<String, Integer> embedded;
        Map<String, Integer> stored;
        try {
            endpoints = run.awaitEndpoints(second, "second");
            try (CommittedRecords embeddings = new CommittedRecords(endpoints.bootstrapServers(), "semstream.embeddings")) {
                run.awaitKeys(embeddings, TEXTS, second, "second");
                embeddings.readToEnd(Duration.ofMinutes(1));
                embedded = embeddings.keyCounts();
            }
            try (CommittedRecords changelog = new CommittedRecords(endpoints.bootstrapServers(),
                    AppSettings.DEFAULT_APPLICATION_ID + "-" + EmbedderConfig.VECTOR_STORE + "-changelog")) {
                changelog.readToEnd(Duration.ofMinutes(1));
                stored = changelog.keyCounts();
            }
        } finally {
            second.destroy(); // SIGTERM: a clean stop
            second.waitFor(1, TimeUnit.MINUTES);
        }
        double recovered = (System.nanoTime() - restarted) / 1e9;
        long doubled = embedded.values().stream().filter(n -> n > 1).count();
        System.out.printf("run killed on the embedded default: %d texts, registry child gone %.1f s after the"
                        + " SIGKILL, all embedded %.1f s after the plain restart; lost %d, duplicated %d%n", TEXTS,
                childGone, recovered, TEXTS - embedded.size(), doubled);
        assertEquals(TEXTS, embedded.size(), "every id embedded");
        embedded.forEach((id, n) -> assertEquals(1, n, id + " appears " + n + " times on the embeddings topic"));
        assertEquals(TEXTS, stored.size(), "every id in the vector store");
        stored.forEach((id, n) -> assertEquals(1, n, id + " was written " + n + " times to the vector store"));
    }
}
