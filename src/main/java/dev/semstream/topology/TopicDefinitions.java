package dev.semstream.topology;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.config.TopicConfig;

/**
 * Every topic the application uses, loaded from {@code topology/topics.json} (the repository's
 * {@code topology/} folder, carried in the jar under the same path).
 *
 * <p>Topic names in the file are short ({@code texts}); the full name is {@code <prefix>.<short>}, the
 * prefix coming from the file ({@code semstream}) unless the caller overrides it, so several pipelines
 * can share one cluster. The same definitions serve the embedded broker and an existing cluster: see
 * {@link #ensureTopics(Admin)}.
 */
public final class TopicDefinitions {

    /** Classpath location of the definitions. */
    public static final String RESOURCE = "topology/topics.json";

    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

    private final String prefix;
    private final Map<String, TopicDefinition> byShortName;

    private TopicDefinitions(String prefix, Map<String, TopicDefinition> byShortName) {
        this.prefix = prefix;
        this.byShortName = byShortName;
    }

    /** The definitions bundled on the classpath, with the file's prefix. */
    public static TopicDefinitions load() {
        return load(null);
    }

    /**
     * The definitions bundled on the classpath.
     *
     * @param prefixOverride the topic-name prefix to use instead of the file's; {@code null} keeps the file's
     */
    public static TopicDefinitions load(String prefixOverride) {
        try (InputStream in = TopicDefinitions.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the classpath (the build copies topology/ into the jar)");
            }
            return read(in, prefixOverride, RESOURCE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    /**
     * Parses definitions from JSON.
     *
     * @param in             the JSON document
     * @param prefixOverride the prefix to use instead of the document's; {@code null} keeps the document's
     * @param source         where the document came from, for error messages
     * @throws IllegalArgumentException when the document is malformed or a definition is invalid
     */
    public static TopicDefinitions read(InputStream in, String prefixOverride, String source) throws IOException {
        JsonNode root;
        try {
            root = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).readTree(in);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(source + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
        String prefix = prefixOverride != null ? prefixOverride : text(root, "prefix", source);
        JsonNode topics = root == null ? null : root.get("topics");
        if (topics == null || !topics.isArray() || topics.isEmpty()) {
            throw new IllegalArgumentException(source + ": 'topics' must be a non-empty array");
        }
        Map<String, TopicDefinition> byShortName = new LinkedHashMap<>();
        for (JsonNode topic : topics) {
            String shortName = text(topic, "name", source);
            String where = source + ", topic '" + shortName + "'";
            JsonNode partitions = topic.get("partitions");
            if (partitions == null || !partitions.canConvertToInt()) {
                throw new IllegalArgumentException(where + ": 'partitions' must be an integer");
            }
            Map<String, String> config = new LinkedHashMap<>(config(topic.get("config"), where));
            // One record limit for every topic (RecordLimits), unless the file sets its own.
            config.putIfAbsent(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(RecordLimits.MAX_RECORD_BYTES));
            TopicDefinition definition;
            try {
                definition = new TopicDefinition(
                        fullName(prefix, shortName), partitions.intValue(), config, topic.path("description").asText(""));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
            }
            if (byShortName.put(shortName, definition) != null) {
                throw new IllegalArgumentException(where + ": defined twice");
            }
        }
        // Not Map.copyOf: keep the file's order, the order people read reports and logs in.
        return new TopicDefinitions(prefix, Collections.unmodifiableMap(byShortName));
    }

    /** The prefix in front of every topic name. */
    public String prefix() {
        return prefix;
    }

    /** Every definition, in the file's order. */
    public List<TopicDefinition> all() {
        return List.copyOf(byShortName.values());
    }

    /**
     * The definition of one topic by its short name ({@code texts}, {@code embeddings}, ...).
     *
     * @throws IllegalArgumentException when no such topic is defined
     */
    public TopicDefinition topic(String shortName) {
        TopicDefinition definition = byShortName.get(shortName);
        if (definition == null) {
            throw new IllegalArgumentException("no topic '" + shortName + "' in " + RESOURCE + "; defined: " + byShortName.keySet());
        }
        return definition;
    }

    /** The full name of one topic by its short name, e.g. {@code texts} to {@code semstream.texts}. */
    public String name(String shortName) {
        return topic(shortName).name();
    }

    /**
     * Creates the topics that are missing on the cluster and leaves existing ones alone; an existing topic
     * whose partition count differs from its definition is reported as a warning, not changed.
     *
     * @return what was created, what was already there, and the warnings
     * @throws IllegalStateException when the cluster cannot be reached or refuses a creation
     */
    public TopicSyncReport ensureTopics(Admin admin) {
        return new TopicSync(admin, ADMIN_TIMEOUT).ensure(all());
    }

    private static String fullName(String prefix, String shortName) {
        return prefix.isEmpty() ? shortName : prefix + "." + shortName;
    }

    private static String text(JsonNode node, String field, String where) {
        JsonNode value = node == null ? null : node.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException(where + ": '" + field + "' must be a string");
        }
        return value.asText();
    }

    private static Map<String, String> config(JsonNode config, String where) {
        if (config == null) {
            return Map.of();
        }
        if (!config.isObject()) {
            throw new IllegalArgumentException(where + ": 'config' must be an object of strings");
        }
        Map<String, String> result = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = config.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (!entry.getValue().isValueNode() || entry.getValue().isNull()) {
                throw new IllegalArgumentException(where + ": config '" + entry.getKey() + "' must be a string or number");
            }
            result.put(entry.getKey(), entry.getValue().asText());
        }
        return result;
    }

    @Override
    public String toString() {
        List<String> names = new ArrayList<>();
        byShortName.values().forEach(d -> names.add(d.name()));
        return "TopicDefinitions" + names;
    }
}
