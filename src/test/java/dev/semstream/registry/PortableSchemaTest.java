package dev.semstream.registry;

import dev.semstream.avro.Completion;
import dev.semstream.avro.Embedding;
import dev.semstream.avro.Prompt;
import dev.semstream.avro.TextEvent;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A generated class's portable schema is its {@code schemas/*.avsc}, read by a plain Avro parser. */
class PortableSchemaTest {

    @ParameterizedTest
    @ValueSource(classes = {TextEvent.class, Embedding.class, Prompt.class, Completion.class})
    void theGeneratedSchemaWithoutJavaPropertiesIsTheAvsc(Class<?> type) throws IOException {
        Schema generated = SpecificData.get().getSchema(type);
        Schema contract = new Schema.Parser().parse(Path.of("schemas", type.getSimpleName() + ".avsc").toFile());
        assertNotEquals(contract, generated, "the Avro compiler adds avro.java.string, so the class's own schema is not the contract");
        Schema portable = PortableSchema.of(generated);
        assertEquals(contract, portable);
        // What a registry stores and compares: the printed form, docs and defaults included.
        assertEquals(contract.toString(), portable.toString());
        assertFalse(portable.toString().contains("avro.java"), portable.toString());
    }

    @Test
    void aDefaultKeepsKeysThatLookLikeTheProperty() {
        Schema withMapDefault = new Schema.Parser().parse("""
                {"type":"record","name":"R","fields":[{"name":"m","default":{"avro.java.string":"kept"},
                 "type":{"type":"map","values":{"type":"string","avro.java.string":"String"},"avro.java.string":"String"}}]}""");
        Schema portable = PortableSchema.of(withMapDefault);
        assertEquals("""
                {"type":"record","name":"R","fields":[{"name":"m","type":{"type":"map","values":"string"},"default":{"avro.java.string":"kept"}}]}""",
                portable.toString());
        assertTrue(portable.getField("m").hasDefaultValue());
    }
}
