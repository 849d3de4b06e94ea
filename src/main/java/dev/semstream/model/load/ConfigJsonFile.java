package dev.semstream.model.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.semstream.model.ModelException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

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

    static ObjectNode newObject() {
        return JSON.createObjectNode();
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

    static double requiredNumber(JsonNode root, String key, Path file) {
        JsonNode v = root.get(key);
        if (v == null || !v.isNumber()) {
            throw new ModelException(file + ": '" + key + "' must be a number, got " + v);
        }
        return v.doubleValue();
    }
}
