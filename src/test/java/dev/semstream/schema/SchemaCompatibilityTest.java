package dev.semstream.schema;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every topic's contract evolves BACKWARD compatibly: a consumer on the schema in {@code schemas/} can
 * read everything written with the released one kept in {@code src/test/resources/schemas-released/}.
 * Change a schema compatibly (add a field with a default, drop one) and this passes; rename a field or
 * add one without a default and it fails, naming the incompatibility. After a release, copy
 * {@code schemas/} over the released set.
 */
class SchemaCompatibilityTest {
    static final Path CURRENT = Path.of("schemas");
    static final Path RELEASED = Path.of("src", "test", "resources", "schemas-released");

    static Stream<String> released() throws IOException {
        try (Stream<Path> files = Files.list(RELEASED)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".avsc")).sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("released")
    void currentSchemaReadsEverythingTheReleasedOneWrote(String file) throws IOException {
        Path current = CURRENT.resolve(file);
        assertTrue(Files.exists(current), file + " was released but is gone from schemas/: deleting a topic's contract breaks its consumers");
        Schema reader = parse(current);
        Schema writer = parse(RELEASED.resolve(file));
        var result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        assertEquals(SchemaCompatibilityType.COMPATIBLE, result.getType(),
                () -> file + " is not backward compatible with its released version: " + result.getResult().getIncompatibilities());
    }

    @Test
    void theCheckCatchesAnIncompatibleChange() {
        Schema released = new Schema.Parser().parse("""
                {"type":"record","name":"TextEvent","fields":[{"name":"id","type":"string"}]}""");
        Schema addedWithoutDefault = new Schema.Parser().parse("""
                {"type":"record","name":"TextEvent","fields":[{"name":"id","type":"string"},{"name":"lang","type":"string"}]}""");
        Schema addedWithDefault = new Schema.Parser().parse("""
                {"type":"record","name":"TextEvent","fields":[{"name":"id","type":"string"},{"name":"lang","type":"string","default":"en"}]}""");
        assertNotEquals(SchemaCompatibilityType.COMPATIBLE,
                SchemaCompatibility.checkReaderWriterCompatibility(addedWithoutDefault, released).getType());
        assertEquals(SchemaCompatibilityType.COMPATIBLE,
                SchemaCompatibility.checkReaderWriterCompatibility(addedWithDefault, released).getType());
    }

    @Test
    void everyTopicHasAContractAndEveryFieldIsDocumented() throws IOException {
        for (String name : List.of("TextEvent", "Embedding", "Prompt", "Completion")) {
            Schema s = parse(CURRENT.resolve(name + ".avsc"));
            assertTrue(s.getDoc() != null && !s.getDoc().isBlank(), name + " has no doc");
            assertDocumented(s);
        }
    }

    private static void assertDocumented(Schema record) {
        for (Schema.Field f : record.getFields()) {
            assertTrue(f.doc() != null && !f.doc().isBlank(), record.getName() + "." + f.name() + " has no doc");
            if (f.schema().getType() == Schema.Type.RECORD) {
                assertDocumented(f.schema());
            }
        }
    }

    private static Schema parse(Path file) throws IOException {
        return new Schema.Parser().parse(file.toFile());
    }
}
