package dev.semstream.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.semstream.store.PlaneProjection;

import java.util.Optional;

/**
 * {@code POST /map/project}: where a text or a vector falls on the embedding map's current axes. A text is
 * embedded as a query by the active model's encoder (its card's query prefix), so after a model switch it
 * lands on the new model's map, or is refused with a 409 while the axes are still the old model's.
 */
final class MapProjection {
    private final ActiveEncoder encoder;
    private final CurrentMapBasis current;

    MapProjection(ActiveEncoder encoder, CurrentMapBasis current) {
        this.encoder = encoder;
        this.current = current;
    }

    ObjectNode project(JsonNode json) {
        JsonNode body = Json.object(json);
        String text = Json.text(body, "text");
        float[] vector = Json.floats(body, "vector");
        if ((text == null) == (vector == null)) {
            throw ApiException.badRequest("give exactly one of 'text' or 'vector'");
        }
        MapBasis basis = current.get().orElseThrow(() -> ApiException.badRequest(
                "there is no map yet: GET /map first, which computes its axes"));
        String modelId;
        if (text != null) {
            if (text.isBlank()) {
                throw ApiException.badRequest("'text' is blank");
            }
            var active = encoder.get();
            modelId = active.modelId();
            vector = active.embedQuery(text).vector();
        } else {
            modelId = Optional.ofNullable(Json.text(body, "modelId")).orElse(encoder.modelId());
        }
        PlaneProjection plane = basis.projection();
        if (!modelId.equals(plane.modelId())) {
            throw new ApiException(409, "model_mismatch", "the vector is from model " + modelId
                    + ", but the map's axes are of " + plane.modelId() + " (GET /map draws the active model's map)");
        }
        if (vector.length != plane.dimensions()) {
            throw ApiException.badRequest("the vector has " + vector.length + " dimensions; the map's axes have "
                    + plane.dimensions());
        }
        float[] xy = plane.project(vector);
        ObjectNode o = Json.newObject();
        o.put("basis", basis.id());
        o.put("x", xy[0]);
        o.put("y", xy[1]);
        return o;
    }
}
