package dev.semstream.registry;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link SchemaRegistry} over the Confluent Schema Registry REST API (also served by Apicurio Registry at
 * {@code /apis/ccompat/v7} and by Redpanda, Karapace).
 *
 * <p>Ids and registrations are immutable in a registry, so they are cached for the life of the client: after the
 * first record, serialising (subject + schema → id) and deserialising (id → schema) make no HTTP call. What can
 * change — latest versions, compatibility results, config — is always asked. Thread-safe.
 */
public final class SchemaRegistryClient implements SchemaRegistry {
    private final RegistryHttp http;
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
    private final Map<Registration, SubjectSchema> registrations = new ConcurrentHashMap<>();
    private final Map<Registration, Integer> registeredIds = new ConcurrentHashMap<>();

    private record Registration(String subject, Schema schema) { }

    public SchemaRegistryClient(SchemaRegistryClientConfig config) {
        this.http = new RegistryHttp(config);
    }

    /** A client with default timeouts and retries and no auth. */
    public SchemaRegistryClient(String url) {
        this(SchemaRegistryClientConfig.of(url));
    }

    /** The base URL this client talks to. */
    public String url() {
        return http.url();
    }

    @Override
    public int register(String subject, Schema schema) {
        Registration key = new Registration(subject, schema);
        Integer cached = registeredIds.get(key);
        if (cached != null) return cached;
        SubjectSchema known = registrations.get(key);
        if (known != null) return known.id();
        int id;
        try {
            id = requiredInt(http.post(subjectPath(subject) + "/versions", Map.of("schema", schema.toString())), "id");
        } catch (SchemaRegistryException e) {
            // Two clients registering the same new schema at once: Apicurio answers the loser 409 ("already
            // exists") where Confluent's registry is idempotent. If the schema is there now, that is success.
            // A 409 for an incompatible schema finds nothing here and stays an error.
            if (e.status() != 409) {
                throw e;
            }
            id = lookup(subject, schema).orElseThrow(() -> e).id();
        }
        registeredIds.put(key, id);
        schemasById.putIfAbsent(id, schema);
        return id;
    }

    @Override
    public Schema schemaById(int id) {
        Schema cached = schemasById.get(id);
        if (cached != null) return cached;
        JsonNode answer;
        try {
            answer = http.get("/schemas/ids/" + id);
        } catch (SchemaRegistryException e) {
            throw notFound(e, "schema id " + id + " not found");
        }
        Schema schema = parse(answer, "schema id " + id);
        schemasById.put(id, schema);
        return schema;
    }

    @Override
    public SubjectSchema latest(String subject) {
        return subjectVersion(subject, "latest");
    }

    @Override
    public SubjectSchema version(String subject, int version) {
        return subjectVersion(subject, Integer.toString(version));
    }

    private SubjectSchema subjectVersion(String subject, String version) {
        try {
            return subjectSchema(subject, http.get(subjectPath(subject) + "/versions/" + version));
        } catch (SchemaRegistryException e) {
            throw notFound(e, e.errorCode() == 40402
                    ? "version " + version + " of subject '" + subject + "' not found"
                    : "subject '" + subject + "' not found");
        }
    }

    @Override
    public Optional<SubjectSchema> lookup(String subject, Schema schema) {
        Registration key = new Registration(subject, schema);
        SubjectSchema cached = registrations.get(key);
        if (cached != null) return Optional.of(cached);
        JsonNode answer;
        try {
            answer = http.post(subjectPath(subject), Map.of("schema", schema.toString()));
        } catch (SchemaRegistryException e) {
            if (e.isNotFound()) return Optional.empty();
            throw e;
        }
        SubjectSchema found = subjectSchema(subject, answer);
        // Keep the caller's Schema instance: it is the one the next lookup will hash and compare.
        found = new SubjectSchema(found.subject(), found.version(), found.id(), schema);
        registrations.put(key, found);
        schemasById.putIfAbsent(found.id(), schema);
        return Optional.of(found);
    }

    @Override
    public CompatibilityResult checkCompatibility(String subject, Schema schema) {
        JsonNode answer;
        try {
            answer = http.post("/compatibility" + subjectPath(subject) + "/versions/latest?verbose=true",
                    Map.of("schema", schema.toString()));
        } catch (SchemaRegistryException e) {
            throw notFound(e, "subject '" + subject + "' not found");
        }
        List<String> messages = new ArrayList<>();
        answer.path("messages").forEach(m -> messages.add(m.asText()));
        // Apicurio puts its reason in "reason" rather than Confluent's "messages".
        if (answer.hasNonNull("reason")) messages.add(answer.get("reason").asText());
        return new CompatibilityResult(answer.path("is_compatible").asBoolean(false), messages);
    }

    @Override
    public CompatibilityLevel compatibility() {
        return level(http.get("/config"), "the registry");
    }

    @Override
    public void setCompatibility(CompatibilityLevel level) {
        http.put("/config", Map.of("compatibility", level.name()));
    }

    @Override
    public CompatibilityLevel compatibility(String subject) {
        JsonNode answer;
        try {
            // Without defaultToGlobal, Confluent answers 404 for a subject that has no level of its own.
            answer = http.get("/config/" + encode(subject) + "?defaultToGlobal=true");
        } catch (SchemaRegistryException e) {
            throw notFound(e, "subject '" + subject + "' not found");
        }
        return level(answer, "subject '" + subject + "'");
    }

    @Override
    public void setCompatibility(String subject, CompatibilityLevel level) {
        http.put("/config/" + encode(subject), Map.of("compatibility", level.name()));
    }

    private CompatibilityLevel level(JsonNode answer, String of) {
        String level = answer.path("compatibilityLevel").asText(answer.path("compatibility").asText(""));
        try {
            return CompatibilityLevel.valueOf(level);
        } catch (IllegalArgumentException e) {
            throw new SchemaRegistryException(url(), 0, 0, "unknown compatibility level '" + level + "' for " + of);
        }
    }

    private SubjectSchema subjectSchema(String subject, JsonNode answer) {
        return new SubjectSchema(answer.path("subject").asText(subject), requiredInt(answer, "version"),
                requiredInt(answer, "id"), parse(answer, "subject '" + subject + "'"));
    }

    private Schema parse(JsonNode answer, String what) {
        String type = answer.path("schemaType").asText("AVRO");
        if (!type.equals("AVRO")) {
            throw new SchemaRegistryException(url(), 0, 0, what + " is a " + type + " schema, not Avro");
        }
        String text = answer.path("schema").asText(null);
        if (text == null) throw new SchemaRegistryException(url(), 0, 0, what + ": answer has no schema: " + answer);
        try {
            return new Schema.Parser().parse(text);
        } catch (SchemaParseException e) {
            throw new SchemaRegistryException(url(), 0, 0, what + " is not a valid Avro schema: " + e.getMessage(), e);
        }
    }

    private int requiredInt(JsonNode answer, String field) {
        JsonNode value = answer == null ? null : answer.get(field);
        if (value == null || !value.canConvertToInt()) {
            throw new SchemaRegistryException(url(), 0, 0, "answer has no '" + field + "': " + answer);
        }
        return value.asInt();
    }

    /** Replaces the registry's wording of a 404 (Apicurio's mentions artifacts and groups) with ours; keeps the codes. */
    private SchemaRegistryException notFound(SchemaRegistryException e, String message) {
        if (!e.isNotFound()) return e;
        return new SchemaRegistryException(e.registryUrl(), e.status(), e.errorCode(), message, e);
    }

    private static String subjectPath(String subject) {
        return "/subjects/" + encode(subject);
    }

    /** A subject as one path segment: topic names may hold characters a URL path may not. */
    private static String encode(String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
