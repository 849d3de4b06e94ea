package dev.semstream.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.semstream.embedded.Eventually;
import dev.semstream.model.Encoder;
import dev.semstream.model.EncoderOptions;
import dev.semstream.model.load.EncoderModels;
import dev.semstream.model.load.SmallEncoders;
import dev.semstream.store.PlaneProjection;
import dev.semstream.store.PrincipalPlane;
import dev.semstream.store.QueryableIndexes;
import dev.semstream.store.VectorSample;
import dev.semstream.topology.ControlRecords;
import dev.semstream.topology.ControlState.ActiveModel;
import dev.semstream.topology.ModelControl;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The console's views that embed or tokenize a text (the map's projection, the model inspection) follow a
 * model switch: a control record makes another model active, as {@code semstream reembed}'s switch does, and
 * the next request is the new model's. The real encoders and the real model control; the HTTP layer is
 * {@link MapAndStatusIntegrationTest}'s and {@link InspectEndpointsIntegrationTest}'s.
 */
class ConsoleFollowsTheActiveModelTest {
    static final String SMALL_LOCATION = "small-checkpoint";
    static Encoder miniLm;
    static Encoder small;
    ModelControl control;

    @BeforeAll
    static void loadEncoders() {
        miniLm = EncoderModels.encoder(null, EncoderOptions.defaults());
        small = SmallEncoders.encoder(1);
    }

    @BeforeEach
    void startOnMiniLm() {
        control = new ModelControl(miniLm, null, (location, options) -> {
            assertEquals(SMALL_LOCATION, location);
            return small;
        }, new QueryableIndexes());
    }

    /** The switch as the control topic's global store delivers it, then the new encoder loaded off-thread. */
    void switchToSmall() {
        control.follow(ControlRecords.ACTIVE, ControlRecords.active(new ActiveModel(small.modelId(), SMALL_LOCATION,
                System.currentTimeMillis(), miniLm.modelId())));
        Eventually.await(Duration.ofSeconds(30), "the new active model's encoder loaded",
                () -> control.activeEncoder().isPresent());
    }

    static JsonNode body(String field, String value) {
        return Json.newObject().put(field, value);
    }

    @Test
    void inspectTokensAndAttentionAreTheNewModelsAfterTheSwitch() {
        ModelInspection inspection = new ModelInspection(new ActiveEncoder(control), null);
        String text = "Attention lets every token look at every other token. ".repeat(30);
        assertEquals(miniLm.modelId(), inspection.tokens(body("text", text)).get("encoder").get("modelId").asText());

        switchToSmall();
        JsonNode encoder = inspection.tokens(body("text", text)).get("encoder");
        assertEquals(small.modelId(), encoder.get("modelId").asText(), "the active model's tokens");
        assertEquals(small.options().maxTokens(), encoder.get("maxTokens").asInt());
        int[] expected = small.tokenizer().encode(small.card().passagePrefix() + text, small.options().maxTokens()).ids();
        assertNotEquals(miniLm.options().maxTokens(), small.options().maxTokens(),
                "the two models must cut this text differently for the test to tell them apart");
        List<Integer> ids = new ArrayList<>();
        encoder.get("tokens").forEach(t -> ids.add(t.get("id").asInt()));
        assertArrayEquals(expected, ids.stream().mapToInt(Integer::intValue).toArray(),
                "cut as the new model reads a stored text");

        ObjectNode attention = inspection.attention(Json.newObject().put("text", "keys and values"));
        assertEquals(small.modelId(), attention.get("modelId").asText());
        assertEquals(small.attention("keys and values", ModelInspection.DEFAULT_ATTENTION_TOKENS).layers(),
                attention.get("layers").asInt(), "the new model's layers");
    }

    @Test
    void aTextIsProjectedAsTheNewModelsQueryOntoTheNewModelsMap() {
        CurrentMapBasis current = new CurrentMapBasis();
        MapProjection projection = new MapProjection(new ActiveEncoder(control), current);
        PlaneProjection plane = axesOf(small);
        current.set(new MapBasis(EmbeddingMap.idOf(plane), plane, 12, System.currentTimeMillis()));
        String query = "how do keys and values work";

        ApiException before = assertThrows(ApiException.class, () -> projection.project(body("text", query)));
        assertEquals(409, before.status(), "before the switch the text is MiniLM's, the map the small model's");

        switchToSmall();
        JsonNode at = projection.project(body("text", query));
        float[] xy = plane.project(small.embedQuery(query).vector());
        assertEquals(xy[0], at.get("x").floatValue(), 1e-6, "embedded by the new model, with its query prefix");
        assertEquals(xy[1], at.get("y").floatValue(), 1e-6);
        assertEquals(EmbeddingMap.idOf(plane), at.get("basis").asText());

        float[] vector = small.embed("a stored text").vector();
        ObjectNode byVector = Json.newObject();
        Json.putFloats(byVector, "vector", vector);
        JsonNode placed = projection.project(byVector);
        assertEquals(plane.project(vector)[0], placed.get("x").floatValue(), 1e-6,
                "a vector that names no model is taken as the active model's");
    }

    /** Map axes computed from the model's own vectors, as GET /map computes them. */
    static PlaneProjection axesOf(Encoder encoder) {
        VectorSample sample = new VectorSample(encoder.modelId(), encoder.dimensions(), 100, EmbeddingMap.SEED);
        for (int i = 0; i < 12; i++) {
            sample.offer("t-" + i, encoder.embed("Text " + i + " about queries, keys and values, number " + i).vector());
        }
        return PrincipalPlane.of(sample).projection();
    }
}
