package dev.semstream.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.semstream.store.MapPoints;
import dev.semstream.store.PlaneProjection;
import dev.semstream.store.VectorSample;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What one instance contributes to the embedding map, and how it travels between instances: its share
 * of the sample the axes are computed from, and its vectors placed on the axes, by partition. The
 * coordinator reads its own shares in process and the others' from this JSON.
 */
final class MapShares {
    /** Longest text a point carries, in chars: enough to tell the point by. */
    static final int TEXT_CHARS = 80;

    /** @param stored live vectors by partition, counted before sampling */
    record SampleShare(String instance, SortedMap<Integer, Long> stored, VectorSample sample) {
    }

    /** @param stored live vectors by partition, counted before any limit */
    record PointsShare(String instance, SortedMap<Integer, Long> stored, SortedMap<Integer, MapPoints> points) {
    }

    private MapShares() {
    }

    static ObjectNode writeSample(SampleShare share) {
        ObjectNode o = Json.newObject();
        o.put("instance", share.instance());
        writeStored(o, share.stored());
        o.put("offered", share.sample().offered());
        List<VectorSample.Row> rows = share.sample().rows();
        ArrayNode ids = o.putArray("ids");
        ByteBuffer vectors = ByteBuffer.allocate(rows.size() * share.sample().dimension() * Float.BYTES)
                .order(ByteOrder.LITTLE_ENDIAN);
        for (VectorSample.Row r : rows) {
            ids.add(r.id());
            for (float x : r.vector()) {
                vectors.putFloat(x);
            }
        }
        // Base64 of little-endian floats: a third of the size of the numbers as JSON text, and exact.
        o.put("vectors", Base64.getEncoder().encodeToString(vectors.array()));
        return o;
    }

    static SampleShare readSample(JsonNode o, String modelId, int dimension, int capacity, long seed) {
        ByteBuffer vectors = ByteBuffer.wrap(Base64.getDecoder().decode(o.get("vectors").asText()))
                .order(ByteOrder.LITTLE_ENDIAN);
        List<VectorSample.Row> rows = new ArrayList<>();
        for (JsonNode id : o.get("ids")) {
            float[] v = new float[dimension];
            for (int i = 0; i < dimension; i++) {
                v[i] = vectors.getFloat();
            }
            rows.add(new VectorSample.Row(id.asText(), VectorSample.key(seed, id.asText()), v));
        }
        return new SampleShare(o.get("instance").asText(), readStored(o),
                VectorSample.of(modelId, dimension, capacity, seed, rows, o.get("offered").asLong()));
    }

    static ObjectNode writePoints(PointsShare share) {
        ObjectNode o = Json.newObject();
        o.put("instance", share.instance());
        writeStored(o, share.stored());
        ObjectNode byPartition = o.putObject("points");
        share.points().forEach((p, points) -> writeColumns(byPartition.putObject(String.valueOf(p)), points));
        return o;
    }

    static PointsShare readPoints(JsonNode o) {
        SortedMap<Integer, MapPoints> points = new TreeMap<>();
        for (Map.Entry<String, JsonNode> e : o.get("points").properties()) {
            points.put(Integer.parseInt(e.getKey()), readColumns(e.getValue()));
        }
        return new PointsShare(o.get("instance").asText(), readStored(o), points);
    }

    /** The map's columns: {@code ids, x, y, text, color}, one entry per point in each. */
    static void writeColumns(ObjectNode o, MapPoints points) {
        ArrayNode ids = o.putArray("ids");
        ArrayNode x = o.putArray("x");
        ArrayNode y = o.putArray("y");
        ArrayNode text = o.putArray("text");
        ArrayNode color = o.putArray("color");
        for (int i = 0; i < points.size(); i++) {
            ids.add(points.id(i));
            x.add(points.x(i));
            y.add(points.y(i));
            text.add(shortened(points.text(i)));
            color.add(points.color(i));
        }
    }

    private static MapPoints readColumns(JsonNode o) {
        MapPoints points = new MapPoints();
        JsonNode ids = o.get("ids");
        JsonNode x = o.get("x");
        JsonNode y = o.get("y");
        JsonNode text = o.get("text");
        JsonNode color = o.get("color");
        for (int i = 0; i < ids.size(); i++) {
            points.add(ids.get(i).asText(), x.get(i).floatValue(), y.get(i).floatValue(), nullable(text.get(i)),
                    nullable(color.get(i)));
        }
        return points;
    }

    static ObjectNode writePlane(PlaneProjection plane) {
        ObjectNode o = Json.newObject();
        o.put("modelId", plane.modelId());
        Json.putFloats(o, "mean", plane.mean());
        Json.putFloats(o, "axisX", plane.axisX());
        Json.putFloats(o, "axisY", plane.axisY());
        return o;
    }

    static PlaneProjection readPlane(JsonNode o) {
        JsonNode plane = Json.object(o.get("plane"));
        String modelId = Json.text(plane, "modelId");
        float[] mean = Json.floats(plane, "mean");
        float[] x = Json.floats(plane, "axisX");
        float[] y = Json.floats(plane, "axisY");
        if (modelId == null || mean == null || x == null || y == null) {
            throw ApiException.badRequest("'plane' needs modelId, mean, axisX and axisY");
        }
        try {
            return new PlaneProjection(modelId, mean, x, y);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    /** At most {@link #TEXT_CHARS} chars, never half of a surrogate pair. */
    static String shortened(String text) {
        if (text == null || text.length() <= TEXT_CHARS) {
            return text;
        }
        int end = Character.isHighSurrogate(text.charAt(TEXT_CHARS - 1)) ? TEXT_CHARS - 1 : TEXT_CHARS;
        return text.substring(0, end);
    }

    private static void writeStored(ObjectNode o, SortedMap<Integer, Long> stored) {
        ObjectNode s = o.putObject("stored");
        stored.forEach((p, n) -> s.put(String.valueOf(p), n));
    }

    private static SortedMap<Integer, Long> readStored(JsonNode o) {
        SortedMap<Integer, Long> stored = new TreeMap<>();
        for (Map.Entry<String, JsonNode> e : o.get("stored").properties()) {
            stored.put(Integer.parseInt(e.getKey()), e.getValue().asLong());
        }
        return stored;
    }

    private static String nullable(JsonNode n) {
        return n == null || n.isNull() ? null : n.asText();
    }
}
