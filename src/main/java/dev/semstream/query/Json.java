package dev.semstream.query;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/** The API's JSON: one mapper, and readers of request fields that fail with a 400 naming the field. */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private Json() {
    }

    static JsonNode parse(byte[] body) {
        if (body.length == 0) {
            throw ApiException.badRequest("the request body is empty; expected a JSON object");
        }
        try {
            return MAPPER.readTree(body);
        } catch (java.io.IOException e) {
            throw ApiException.badRequest("malformed JSON: " + firstLine(e.getMessage()));
        }
    }

    static ObjectNode object(JsonNode node) {
        if (!(node instanceof ObjectNode o)) {
            throw ApiException.badRequest("expected a JSON object, got " + kind(node));
        }
        return o;
    }

    static ObjectNode newObject() {
        return MAPPER.createObjectNode();
    }

    static String text(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw ApiException.badRequest("'" + field + "' must be a string, got " + kind(v));
        }
        return v.asText();
    }

    static int integer(JsonNode body, String field, int fallback) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw ApiException.badRequest("'" + field + "' must be an integer, got " + v);
        }
        return v.asInt();
    }

    static long longInteger(JsonNode body, String field, long fallback) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw ApiException.badRequest("'" + field + "' must be an integer, got " + v);
        }
        return v.asLong();
    }

    /** A finite number; {@code fallback} when absent. */
    static double number(JsonNode body, String field, double fallback) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
            throw ApiException.badRequest("'" + field + "' must be a number, got " + v);
        }
        return v.asDouble();
    }

    /** A JSON array of strings; empty when absent. */
    static java.util.List<String> stringList(JsonNode body, String field) {
        JsonNode v = body.get(field);
        java.util.List<String> out = new java.util.ArrayList<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (!v.isArray()) {
            throw ApiException.badRequest("'" + field + "' must be an array of strings, got " + kind(v));
        }
        for (int i = 0; i < v.size(); i++) {
            if (!v.get(i).isTextual()) {
                throw ApiException.badRequest("'" + field + "[" + i + "]' must be a string, got " + v.get(i));
            }
            out.add(v.get(i).asText());
        }
        return out;
    }

    static boolean bool(JsonNode body, String field, boolean fallback) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isBoolean()) {
            throw ApiException.badRequest("'" + field + "' must be true or false, got " + v);
        }
        return v.asBoolean();
    }

    static float[] floats(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isArray()) {
            throw ApiException.badRequest("'" + field + "' must be an array of numbers, got " + kind(v));
        }
        float[] out = new float[v.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode x = v.get(i);
            if (!x.isNumber()) {
                throw ApiException.badRequest("'" + field + "[" + i + "]' must be a number, got " + x);
            }
            out[i] = (float) x.asDouble();
        }
        return out;
    }

    /** A JSON object of string values, e.g. metadata or filters; empty when absent. */
    static Map<String, String> strings(JsonNode body, String field) {
        JsonNode v = body.get(field);
        Map<String, String> out = new LinkedHashMap<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (!v.isObject()) {
            throw ApiException.badRequest("'" + field + "' must be an object of string values, got " + kind(v));
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw ApiException.badRequest("'" + field + "." + e.getKey() + "' must be a string, got " + e.getValue());
            }
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }

    /** Writes {@code values} as the array {@code field} of {@code target}. */
    static void putFloats(ObjectNode target, String field, float[] values) {
        ArrayNode array = target.putArray(field);
        for (float x : values) {
            array.add(x);
        }
    }

    static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String kind(JsonNode node) {
        return node == null ? "nothing" : node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
