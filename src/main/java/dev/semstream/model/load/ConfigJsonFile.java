package dev.semstream.model.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.semstream.model.ModelException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

/** Reading and writing a Hugging Face config.json, every failure a {@link ModelException} naming the file. */
final class ConfigJsonFile {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ConfigJsonFile() {
    }

    /** The file's top-level JSON object. */
    static JsonNode read(Path file) {
        byte[] bytes = ModelFiles.readAllBytes(file, "config.json");
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (IOException e) {
            throw new ModelException("cannot read " + file + " as JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new ModelException(file + " is not a JSON object");
        }
        return root;
    }

    /** A config object that starts as every Hugging Face config.json does: its architectures and model_type. */
    static ObjectNode newConfig(String architecture, String modelType) {
        ObjectNode root = JSON.createObjectNode();
        root.putArray("architectures").add(architecture);
        root.put("model_type", modelType);
        return root;
    }

    /** Through String, so 1e-12f is written as 1.0E-12 and not as the double 9.999999960041972E-13. */
    static void putFloat(ObjectNode root, String key, float value) {
        root.put(key, Double.parseDouble(Float.toString(value)));
    }

    static void write(Path file, ObjectNode root) {
        try {
            Files.write(file, JSON.writeValueAsBytes(root));
        } catch (IOException e) {
            throw new ModelException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    static int requiredInt(JsonNode root, String key, Path file) {
        JsonNode v = root.get(key);
        if (v == null || v.isNull()) {
            throw new ModelException(file + " lacks '" + key + "'");
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber()) {
            throw new ModelException(file + ": '" + key + "' must be an integer, got " + v);
        }
        return v.intValue();
    }

    /** The value, or {@code absent} when the key is missing; present, it must be an integer. */
    static int optionalInt(JsonNode root, String key, int absent, Path file) {
        return root.has(key) ? requiredInt(root, key, file) : absent;
    }

    /** The value, or {@code absent} when the key is missing; present, it must be a number. */
    static float optionalFloat(JsonNode root, String key, float absent, Path file) {
        return root.has(key) ? (float) requiredNumber(root, key, file) : absent;
    }

    /** Builds the config; a value the config itself refuses (heads that do not divide the width) names the file. */
    static <C> C validated(Path file, Supplier<C> config) {
        try {
            return config.get();
        } catch (ModelException e) {
            throw new ModelException(file + ": " + e.getMessage(), e);
        }
    }

    static double requiredNumber(JsonNode root, String key, Path file) {
        JsonNode v = root.get(key);
        if (v == null || !v.isNumber()) {
            throw new ModelException(file + ": '" + key + "' must be a number, got " + v);
        }
        return v.doubleValue();
    }
}
