package dev.semstream.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TopicDefinitionsTest {

    private static TopicDefinitions parse(String json) throws IOException {
        return TopicDefinitions.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), null, "test.json");
    }

    @Test
    void bundledDefinitionsHoldEveryTopicOfThePipeline() {
        TopicDefinitions topics = TopicDefinitions.load();
        assertEquals("semstream", topics.prefix());
        assertEquals(List.of("semstream.texts", "semstream.embeddings", "semstream.dlq", "semstream.prompts", "semstream.completions",
                "semstream.control"),
                topics.all().stream().map(TopicDefinition::name).toList());

        TopicDefinition texts = topics.topic("texts");
        assertEquals(6, texts.partitions());
        assertEquals("604800000", texts.config().get("retention.ms")); // 7 days
        assertEquals("compact", topics.topic("embeddings").config().get("cleanup.policy"));
        assertEquals(6, topics.topic("embeddings").partitions());
        assertEquals("delete", topics.topic("dlq").config().get("cleanup.policy"));
        assertEquals("1209600000", topics.topic("dlq").config().get("retention.ms")); // 14 days
        assertEquals(6, topics.topic("prompts").partitions());
        assertEquals(6, topics.topic("completions").partitions());
    }

    @Test
    void theClasspathCopyIsTheRepositorysTopologyFile() throws IOException {
        // The build copies topology/ into the jar; a stale or diverging copy would be a silent surprise.
        Path source = Path.of("topology", "topics.json");
        try (var in = TopicDefinitions.class.getClassLoader().getResourceAsStream(TopicDefinitions.RESOURCE)) {
            assertEquals(Files.readString(source), new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void prefixCanBeOverridden() {
        TopicDefinitions topics = TopicDefinitions.load("staging");
        assertEquals("staging.texts", topics.name("texts"));
        assertTrue(topics.all().stream().allMatch(t -> t.name().startsWith("staging.")));
    }

    @Test
    void newTopicCarriesPartitionsAndConfigButLeavesReplicationToTheCluster() {
        var newTopic = TopicDefinitions.load().topic("embeddings").toNewTopic();
        assertEquals(6, newTopic.numPartitions());
        assertEquals(-1, newTopic.replicationFactor());
        assertEquals(Map.of("cleanup.policy", "compact", "max.message.bytes", "1048576"), newTopic.configs(),
                "the file's config, and the record limit every topic shares");
    }

    @Test
    void unknownShortNameIsAClearError() {
        var e = assertThrows(IllegalArgumentException.class, () -> TopicDefinitions.load().topic("textz"));
        assertTrue(e.getMessage().contains("textz") && e.getMessage().contains("texts"), e.getMessage());
    }

    @Test
    void malformedDefinitionsAreRejectedWithTheirSource() {
        assertRejected("{", "not valid JSON");
        assertRejected("{\"prefix\": \"p\", \"topics\": []}", "'topics' must be a non-empty array");
        assertRejected("{\"prefix\": \"p\", \"topics\": [{\"name\": \"a\"}]}", "'partitions' must be an integer");
        assertRejected("{\"prefix\": \"p\", \"topics\": [{\"name\": \"a\", \"partitions\": 0}]}", "at least 1");
        assertRejected("{\"prefix\": \"p\", \"topics\": [{\"name\": \"a b\", \"partitions\": 1}]}", "illegal Kafka topic name");
        assertRejected("{\"prefix\": \"p\", \"topics\": [{\"name\": \"a\", \"partitions\": 1}, {\"name\": \"a\", \"partitions\": 1}]}",
                "defined twice");
        assertRejected("{\"prefix\": \"p\", \"topics\": [{\"name\": \"a\", \"partitions\": 1, \"config\": {\"x\": {}}}]}",
                "config 'x'");
        assertRejected("{\"topics\": [{\"name\": \"a\", \"partitions\": 1}]}", "'prefix' must be a string");
    }

    @Test
    void emptyPrefixMeansBareNames() throws IOException {
        assertEquals("a", parse("{\"prefix\": \"\", \"topics\": [{\"name\": \"a\", \"partitions\": 1}]}").name("a"));
    }

    private static void assertRejected(String json, String expected) {
        var e = assertThrows(IllegalArgumentException.class, () -> parse(json));
        assertTrue(e.getMessage().startsWith("test.json") && e.getMessage().contains(expected), e.getMessage());
    }
}
