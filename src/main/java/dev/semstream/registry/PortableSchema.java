package dev.semstream.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.avro.Schema;

import java.util.Set;

/**
 * A generated class's schema as the contract it was compiled from, without what the Avro compiler adds for Java
 * alone: with {@code stringType=String} every string and map type gains {@code "avro.java.string":"String"}.
 *
 * <p>That property tells a Java reader which class to build; no other language reads it, and it is not in the
 * {@code .avsc}. Registries compare schemas with their properties, so registering a class's own schema would make
 * the contract and the registered schema two versions: a client registering the {@code .avsc} would add one, and
 * looking it up would find nothing. What goes on the wire is the same either way (the property does not change
 * the encoding), and Java keeps reading Strings because a reader builds values from its own schema, the class's,
 * not from the writer's.
 */
public final class PortableSchema {
    private static final Set<String> JAVA_ONLY = Set.of("avro.java.string");
    private static final ObjectMapper JSON = new ObjectMapper();

    private PortableSchema() {
    }

    /** {@code schema} without the Java-only properties: the schema to register for it. */
    public static Schema of(Schema schema) {
        JsonNode tree;
        try {
            tree = JSON.readTree(schema.toString());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Avro printed a schema Jackson cannot read: " + schema.getFullName(), e);
        }
        strip(tree);
        return new Schema.Parser().parse(tree.toString());
    }

    private static void strip(JsonNode node) {
        if (node instanceof ObjectNode object) {
            object.remove(JAVA_ONLY);
            // A default is data, not schema: a map's default may hold any key.
            object.properties().forEach(e -> {
                if (!e.getKey().equals("default")) strip(e.getValue());
            });
        } else {
            node.forEach(PortableSchema::strip);
        }
    }
}
