package dev.semstream.query;

import com.fasterxml.jackson.databind.JsonNode;
import dev.semstream.app.AppSettings;
import dev.semstream.app.Pipeline;
import dev.semstream.model.Encoder;
import dev.semstream.model.EncoderOptions;
import dev.semstream.model.load.EncoderModels;
import dev.semstream.reference.TextCorpus;
import dev.semstream.store.PlaneProjection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The console's map and status on two instances of the embedded default (KRaft broker and Apicurio), each
 * owning some of the partitions: the map has every stored vector once, where the returned axes put it, from
 * either instance; the status lists both instances with their partitions and history.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MapAndStatusIntegrationTest {
    private static final Duration DEADLINE = Duration.ofMinutes(3);
    private static final int TEXTS = 90;

    @TempDir
    static Path dirA;
    @TempDir
    static Path dirB;
    static Encoder encoder;
    static Pipeline a;
    static Pipeline b;
    static String urlA;
    static String urlB;
    static final Map<String, String> textById = new LinkedHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        encoder = EncoderModels.encoder(null, EncoderOptions.defaults());
        Map<String, Object> props = Map.of("commit.interval.ms", 100);
        a = Pipeline.start(AppSettings.embedded(dirA).withHttp("localhost", 0).withExtraProperties(props), encoder,
                line -> { });
        b = Pipeline.start(AppSettings.embedded(dirB).withCluster(a.endpoints().bootstrapServers(),
                a.endpoints().schemaRegistryUrl()).withHttp("localhost", 0).withExtraProperties(props), encoder,
                line -> { });
        urlA = a.endpoints().queryUrl();
        urlB = b.endpoints().queryUrl();
        HttpJson.awaitJson(urlA + "/instances", DEADLINE, json -> json.get("instances").size() == 2
                && json.get("instances").get(0).get("active").size() > 0
                && json.get("instances").get(1).get("active").size() > 0);
        HttpJson.awaitJson(urlA + "/ready", DEADLINE, json -> true);
        HttpJson.awaitJson(urlB + "/ready", DEADLINE, json -> true);
    }

    @AfterAll
    static void stop() {
        for (Pipeline app : new Pipeline[]{b, a}) {
            if (app != null) {
                app.close();
            }
        }
    }

    @Test
    @Order(1)
    void anEmptyStoreIsAnEmptyMapAndThereIsNothingToProjectOnYet() throws Exception {
        HttpJson.Response r = HttpJson.get(urlA + "/map");
        assertEquals(200, r.status(), String.valueOf(r.json()));
        assertTrue(r.json().get("basis").isNull());
        assertEquals(0, r.json().get("count").asInt());
        assertEquals(0, r.json().get("points").get("ids").size());
        HttpJson.Response project = HttpJson.post(urlA + "/map/project", Map.of("text", "anything"));
        assertEquals(400, project.status());
        assertTrue(project.json().get("message").asText().contains("GET /map first"), project.json().toString());
    }

    @Test
    @Order(2)
    void theMapHasEveryStoredVectorOnceWhereTheReturnedAxesPutIt() throws Exception {
        List<String> corpus = TextCorpus.texts(31L, TEXTS, 14);
        List<Map<String, Object>> events = new ArrayList<>();
        for (int i = 0; i < TEXTS; i++) {
            String id = String.format("m-%03d", i);
            // One text longer than a point's 80 chars, so the cut shows.
            String text = i == 0 ? "x".repeat(120) + " " + corpus.get(i) : corpus.get(i);
            textById.put(id, text);
            Map<String, Object> metadata = i % 10 == 9 ? Map.of() : Map.of("topic", "t" + (i % 3));
            events.add(Map.of("id", id, "text", text, "metadata", metadata));
        }
        HttpJson.Response ingest = HttpJson.post(urlA + "/texts", Map.of("texts", events));
        assertEquals(202, ingest.status(), String.valueOf(ingest.json()));
        JsonNode map = HttpJson.awaitJson(urlA + "/map?color=topic", DEADLINE,
                json -> json.get("stored").asInt() == TEXTS && !json.get("partial").asBoolean());
        if (map.get("basis").get("storedWhenComputed").asInt() != TEXTS) {
            map = HttpJson.get(urlA + "/map?color=topic&refresh=true").json();
        }
        assertEquals(TEXTS, map.get("count").asInt());
        assertFalse(map.get("truncated").asBoolean());
        JsonNode basis = map.get("basis");
        assertEquals(encoder.modelId(), basis.get("modelId").asText());
        assertEquals(384, basis.get("dimensions").asInt());
        assertEquals(TEXTS, basis.get("sample").asInt(), "fewer vectors than the sample's size: all of them");
        assertTrue(basis.get("explainedVariance").get(0).asDouble() >= basis.get("explainedVariance").get(1).asDouble());
        assertTrue(basis.get("explainedVariance").get(1).asDouble() > 0);
        assertTrue(basis.get("totalVariance").asDouble() > basis.get("explainedVariance").get(0).asDouble()
                + basis.get("explainedVariance").get(1).asDouble());
        PlaneProjection plane = new PlaneProjection(basis.get("modelId").asText(), floats(basis.get("mean")),
                floats(basis.get("axisX")), floats(basis.get("axisY")));

        JsonNode points = map.get("points");
        Map<String, float[]> pointById = new HashMap<>();
        for (int i = 0; i < points.get("ids").size(); i++) {
            String id = points.get("ids").get(i).asText();
            float[] xy = {points.get("x").get(i).floatValue(), points.get("y").get(i).floatValue()};
            assertTrue(pointById.put(id, xy) == null, "id " + id + " twice");
            int n = Integer.parseInt(id.substring(2));
            String expectedColor = n % 10 == 9 ? null : "t" + (n % 3);
            JsonNode color = points.get("color").get(i);
            assertEquals(expectedColor, color.isNull() ? null : color.asText(), id);
            String text = textById.get(id);
            assertEquals(text.substring(0, Math.min(80, text.length())), points.get("text").get(i).asText(), id);
        }
        assertEquals(textById.keySet(), pointById.keySet());
        for (String id : textById.keySet()) {
            JsonNode stored = HttpJson.get(urlB + "/embeddings/" + id).json();
            float[] expected = plane.project(floats(stored.get("vector")));
            assertEquals(expected[0], pointById.get(id)[0], 1e-6, id);
            assertEquals(expected[1], pointById.get(id)[1], 1e-6, id);
        }
        assertEquals(6, map.get("partitions").get("answered").size());
        assertEquals(0, map.get("partitions").get("missing").size());

        // A stored text, embedded again by /map/project, lands on its own point.
        String id = "m-017";
        JsonNode projected = HttpJson.post(urlA + "/map/project", Map.of("text", textById.get(id))).json();
        assertEquals(basis.get("id").asText(), projected.get("basis").asText());
        assertEquals(pointById.get(id)[0], projected.get("x").floatValue(), 1e-4);
        assertEquals(pointById.get(id)[1], projected.get("y").floatValue(), 1e-4);
        JsonNode stored = HttpJson.get(urlA + "/embeddings/" + id).json();
        JsonNode byVector = HttpJson.post(urlA + "/map/project", Map.of("vector", floats(stored.get("vector")))).json();
        assertEquals(pointById.get(id)[0], byVector.get("x").floatValue(), 1e-6);
        assertEquals(400, HttpJson.post(urlA + "/map/project", Map.of("vector", new float[]{1, 2})).status());
        assertEquals(409, HttpJson.post(urlA + "/map/project", Map.of("vector", new float[384],
                "modelId", "other@000000000000")).status());
        assertEquals(400, HttpJson.post(urlA + "/map/project", Map.of()).status());

        // The other instance merges the same map, on the same axes: the sample is the store's, not the asker's.
        JsonNode fromB = HttpJson.get(urlB + "/map?color=topic").json();
        assertEquals(basis.get("id").asText(), fromB.get("basis").get("id").asText());
        Set<String> idsFromB = new HashSet<>();
        fromB.get("points").get("ids").forEach(n -> assertTrue(idsFromB.add(n.asText()), "id " + n + " twice"));
        assertEquals(textById.keySet(), idsFromB);
        JsonNode again = HttpJson.get(urlA + "/map?refresh=true").json();
        assertEquals(basis.get("id").asText(), again.get("basis").get("id").asText(),
                "recomputed from an unchanged store, the axes are the same");
    }

    @Test
    @Order(3)
    void aLimitKeepsAUniformSubsetAndSaysTheMapIsTruncated() throws Exception {
        JsonNode map = HttpJson.get(urlB + "/map?limit=10").json();
        assertEquals(10, map.get("count").asInt());
        assertEquals(TEXTS, map.get("stored").asInt());
        assertTrue(map.get("truncated").asBoolean());
        JsonNode same = HttpJson.get(urlA + "/map?limit=10").json();
        assertEquals(sorted(map.get("points").get("ids")), sorted(same.get("points").get("ids")),
                "the same ten from either instance");
        assertEquals(400, HttpJson.get(urlA + "/map?limit=0").status());
        assertEquals(400, HttpJson.get(urlA + "/map?limit=many").status());
        assertEquals(405, HttpJson.post(urlA + "/map", Map.of()).status());
    }

    @Test
    @Order(4)
    void theStatusListsBothInstancesTheirPartitionsAndTheirHistory() throws Exception {
        JsonNode status = HttpJson.get(urlA + "/console/status").json();
        assertEquals(2, status.get("instances").size());
        assertEquals(2, status.get("totals").get("instances").asInt());
        assertEquals(6, status.get("totals").get("partitions").asInt());
        assertEquals(TEXTS, status.get("totals").get("vectors").asInt());
        Set<Integer> active = new HashSet<>();
        int selves = 0;
        for (JsonNode instance : status.get("instances")) {
            assertTrue(instance.get("reachable").asBoolean());
            assertEquals("RUNNING", instance.get("state").asText());
            selves += instance.get("self").asBoolean() ? 1 : 0;
            Map<Integer, Integer> indexSizes = indexSizes(instance.get("instance").asText());
            for (JsonNode p : instance.get("partitions")) {
                if (p.get("role").asText().equals("active")) {
                    assertTrue(active.add(p.get("partition").asInt()), "partition " + p + " active twice");
                    assertEquals(indexSizes.get(p.get("partition").asInt()), p.get("vectors").asInt(), p.toString());
                    assertEquals(0, p.get("lag").asLong(), "everything read: " + p);
                    assertTrue(p.get("graphLevels").isNumber() && p.get("compactions").isNumber() && p.get("retired").isNumber());
                }
            }
            JsonNode history = instance.get("history");
            assertEquals(5, history.get("intervalSeconds").asInt());
            assertFalse(instance.get("generator").asBoolean());
            int n = history.get("t").size();
            for (String series : List.of("embeddedPerSecond", "deadLettersPerSecond", "queriesPerSecond", "queryP50Ms",
                    "queryP99Ms")) {
                assertEquals(n, history.get(series).size(), series);
            }
        }
        assertEquals(1, selves, "only the instance asked is self");
        assertEquals(6, active.size());

        // History grows: a sample is taken every 5 s, and the texts embedded show up as a rate.
        JsonNode later = HttpJson.awaitJson(urlA + "/console/status", DEADLINE, json -> {
            // Rates times each interval's length (the first one about 5 s) add up to the texts embedded.
            double embedded = 0;
            for (JsonNode instance : json.get("instances")) {
                JsonNode t = instance.get("history").get("t");
                JsonNode rates = instance.get("history").get("embeddedPerSecond");
                for (int i = 0; i < t.size(); i++) {
                    double seconds = i == 0 ? 5 : (t.get(i).asLong() - t.get(i - 1).asLong()) / 1000.0;
                    embedded += rates.get(i).asDouble() * seconds;
                }
            }
            return Math.abs(embedded - TEXTS) < 0.05 * TEXTS;
        });
        assertNotNull(later);

        // B's API stops answering while B still owns its partitions: B is unreachable, the map partial.
        Set<Integer> partitionsOfB = new HashSet<>();
        for (JsonNode instance : status.get("instances")) {
            if (instance.get("instance").asText().equals(urlB.substring("http://".length()))) {
                instance.get("partitions").forEach(p -> {
                    if (p.get("role").asText().equals("active")) {
                        partitionsOfB.add(p.get("partition").asInt());
                    }
                });
            }
        }
        assertFalse(partitionsOfB.isEmpty());
        b.queryServer().orElseThrow().close();
        JsonNode alone = HttpJson.get(urlA + "/console/status").json();
        JsonNode unreachable = null;
        for (JsonNode instance : alone.get("instances")) {
            if (!instance.get("self").asBoolean()) {
                unreachable = instance;
            }
        }
        assertNotNull(unreachable, alone.toString());
        assertFalse(unreachable.get("reachable").asBoolean(), unreachable.toString());
        assertTrue(unreachable.get("partitions").size() > 0, "its partitions, from the cluster's metadata");
        JsonNode partial = HttpJson.get(urlA + "/map").json();
        assertTrue(partial.get("partial").asBoolean());
        assertEquals(partitionsOfB, new HashSet<>(ints(partial.get("partitions").get("missing"))));
        assertTrue(partial.get("count").asInt() < TEXTS && partial.get("count").asInt() > 0, partial.get("count").toString());
        assertTrue(partial.get("errors").get(0).asText().contains(urlB.substring("http://".length())));
    }

    private static List<Integer> ints(JsonNode array) {
        List<Integer> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asInt()));
        return out;
    }

    private static Map<Integer, Integer> indexSizes(String instance) throws Exception {
        JsonNode health = HttpJson.get("http://" + instance + "/health").json();
        Map<Integer, Integer> sizes = new HashMap<>();
        health.get("indexedPartitions").properties().forEach(e -> sizes.put(Integer.parseInt(e.getKey()),
                e.getValue().asInt()));
        return sizes;
    }

    private static List<String> sorted(JsonNode ids) {
        List<String> out = new ArrayList<>();
        ids.forEach(n -> out.add(n.asText()));
        out.sort(null);
        return out;
    }

    private static float[] floats(JsonNode array) {
        float[] out = new float[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).floatValue();
        }
        return out;
    }
}
