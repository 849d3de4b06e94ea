package dev.semstream.reliability;

import dev.semstream.embedded.CommittedRecords;
import com.fasterxml.jackson.databind.JsonNode;
import dev.semstream.app.AppSettings;
import dev.semstream.app.Endpoints;
import dev.semstream.avro.Embedding;
import dev.semstream.cli.Main;
import dev.semstream.model.EncoderOptions;
import dev.semstream.model.load.EncoderModels;
import dev.semstream.model.load.SmallEncoders;
import dev.semstream.query.HttpJson;
import dev.semstream.registry.AvroDeserializer;
import dev.semstream.topology.EmbedderConfig;
import dev.semstream.topology.VectorKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 14's "a crash mid-rebuild resumes", as a user lives it: {@code semstream run --model OLD} holds
 * texts embedded by a small model, {@code semstream reembed} asks for another, and the run is SIGKILLed
 * while the rebuild is part done. The same run command started again must finish the rebuild and switch with
 * no manual step, and each model must have embedded every text exactly once: on the embeddings topic and in
 * the vector store's changelog, read committed.
 */
class RunKilledMidRebuildTest {
    static final int TEXTS = 3_000;
    /** The new model: the bundled MiniLM, far slower than the small old one, so the rebuild can be caught midway. */
    static final String NEW_MODEL = "all-MiniLM-L6-v2";
    static final String EMBEDDINGS = "semstream.embeddings";
    static final String VECTOR_CHANGELOG = AppSettings.DEFAULT_APPLICATION_ID + "-" + EmbedderConfig.VECTOR_STORE
            + "-changelog";

    @TempDir
    static Path dir;

    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void aPlainRestartAfterSigkillFinishesTheRebuildWithEachTextOncePerModel() throws Exception {
        Path oldModel = SmallEncoders.checkpoint(dir.resolve("old-model"), 1);
        String oldId = EncoderModels.named(oldModel.toString(), EncoderOptions.defaults()).modelId();
        RunChild run = new RunChild(dir, "--model", oldModel.toString());

        Process first = run.start("first");
        long registryPid;
        JsonNode atKill;
        try {
            Endpoints endpoints = run.awaitEndpoints(first, "first");
            postTexts(endpoints);
            try (CommittedRecords embeddings = new CommittedRecords(endpoints.bootstrapServers(), EMBEDDINGS)) {
                run.awaitKeys(embeddings, TEXTS, first, "first");
            }
            reembed(run.data());
            atKill = awaitRebuildMidway(endpoints, oldId, first);
            registryPid = run.registryPid();
        } catch (Throwable t) {
            first.destroyForcibly();
            throw t;
        }
        RunChild.sigkill(first, registryPid);
        long killedAt = System.currentTimeMillis();
        String newId = atKill.get("model").asText();

        Process second = run.start("second");
        long restarted = System.nanoTime();
        double switched;
        Map<String, Integer> embedded;
        Map<String, Integer> stored;
        try {
            Endpoints endpoints = run.awaitEndpoints(second, "second");
            JsonNode models = HttpJson.awaitJson(endpoints.queryUrl() + "/models", RunChild.DEADLINE,
                    m -> m.get("active").get("model").asText().equals(newId) || !second.isAlive());
            assertTrue(second.isAlive(), () -> "second exited: " + RunChild.read(run.log("second")));
            switched = (System.nanoTime() - restarted) / 1e9;
            long since = Instant.parse(models.get("active").get("since").asText()).toEpochMilli();
            assertTrue(since > killedAt, "the switch (" + models.get("active") + ") came after the kill at "
                    + Instant.ofEpochMilli(killedAt) + ": the kill was mid-rebuild");
            // The switch is committed with every partition's last vectors, so all of them are readable now.
            embedded = modelKeysOnTheEmbeddingsTopic(endpoints);
            try (CommittedRecords changelog = new CommittedRecords(endpoints.bootstrapServers(), VECTOR_CHANGELOG)) {
                changelog.readToEnd(Duration.ofMinutes(1));
                stored = changelog.keyCounts();
            }
        } finally {
            second.destroy(); // SIGTERM: a clean stop
            second.waitFor(1, TimeUnit.MINUTES);
        }

        Map<String, Map<String, Integer>> checked = new HashMap<>();
        for (String model : List.of(oldId, newId)) {
            checked.put("embeddings " + model, idCounts(embedded, model));
            checked.put("vector store " + model, idCounts(stored, model));
        }
        long lost = checked.values().stream().mapToLong(ids -> TEXTS - ids.size()).sum();
        long doubled = checked.values().stream().mapToLong(ids -> ids.values().stream().filter(n -> n > 1).count()).sum();
        System.out.printf("run killed mid-rebuild: %d texts, %d of %d re-embedded at the SIGKILL, switched to %s %.1f s"
                        + " after the plain restart; lost %d, duplicated %d (over both models, topic and store)%n",
                TEXTS, atKill.get("done").asLong(), atKill.get("total").asLong(), newId, switched, lost, doubled);
        checked.forEach((where, ids) -> {
            assertEquals(TEXTS, ids.size(), "every id in the " + where + " vectors");
            ids.forEach((id, n) -> assertEquals(1, n, id + " appears " + n + " times among the " + where + " vectors"));
        });
    }

    private static void postTexts(Endpoints endpoints) throws Exception {
        List<Map<String, Object>> texts = new ArrayList<>();
        for (int i = 0; i < TEXTS; i++) {
            // Long enough that the new model takes a while over each, so the rebuild lasts to be killed in.
            texts.add(Map.of("id", String.format("k-%04d", i), "text", "text " + i + ": the model predicts the next"
                    + " token from the ones before it, while an encoder reads every word of the sentence at once and"
                    + " pools what it finds into one vector that stands for the meaning of text " + i));
            if (texts.size() == 500 || i == TEXTS - 1) {
                HttpJson.Response r = HttpJson.post(endpoints.queryUrl() + "/texts", Map.of("texts", texts));
                assertEquals(202, r.status(), String.valueOf(r.json()));
                texts.clear();
            }
        }
    }

    /** {@code semstream reembed --model NEW --no-wait}, in process, finding the run through its data dir. */
    private static void reembed(Path data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = Main.run(new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(out, true, StandardCharsets.UTF_8), "reembed", "--data-dir", data.toString(),
                "--model", NEW_MODEL, "--no-wait");
        assertEquals(0, exit, out.toString(StandardCharsets.UTF_8));
    }

    /**
     * Polls {@code GET /models} until the rebuild is a third done or more, but not finished, and returns its
     * {@code building} object; fails, never skips, if the switch comes first (the kill would then not be
     * mid-rebuild).
     */
    private static JsonNode awaitRebuildMidway(Endpoints endpoints, String oldId, Process run) throws Exception {
        JsonNode models = HttpJson.awaitJson(endpoints.queryUrl() + "/models", RunChild.DEADLINE, m -> {
            JsonNode b = m.get("building");
            return !run.isAlive() || !m.get("active").get("model").asText().equals(oldId)
                    || !b.isNull() && b.get("done").asLong() * 3 >= b.get("total").asLong()
                    && b.get("done").asLong() < b.get("total").asLong();
        });
        assertTrue(run.isAlive(), "the run exited during the rebuild");
        assertEquals(oldId, models.get("active").get("model").asText(), "the rebuild finished before it could be"
                + " killed midway: give it more texts or a slower new model (" + models + ")");
        return models.get("building");
    }

    /** The embeddings topic read committed, each record labelled as the vector store keys it: model, then id. */
    private static Map<String, Integer> modelKeysOnTheEmbeddingsTopic(Endpoints endpoints) {
        try (AvroDeserializer<Embedding> values = new AvroDeserializer<>();
             CommittedRecords embeddings = new CommittedRecords(endpoints.bootstrapServers(), EMBEDDINGS)) {
            values.configure(Map.of("schema.registry.url", endpoints.schemaRegistryUrl(),
                    "specific.avro.value.type", Embedding.class), false);
            embeddings.readToEnd(Duration.ofMinutes(1));
            return embeddings.counts(r -> r.value() == null ? "(tombstone)\0" + new String(r.key(), StandardCharsets.UTF_8)
                    : VectorKeys.key(values.deserialize(EMBEDDINGS, r.value()).getModelId(),
                    new String(r.key(), StandardCharsets.UTF_8)));
        }
    }

    /** Of counts keyed as the vector store keys them, the model's: per id. */
    private static Map<String, Integer> idCounts(Map<String, Integer> byKey, String model) {
        Map<String, Integer> ids = new HashMap<>();
        byKey.forEach((key, n) -> {
            if (key != null && key.startsWith(VectorKeys.prefix(model))) {
                ids.merge(VectorKeys.id(key), n, Integer::sum);
            }
        });
        return ids;
    }
}
