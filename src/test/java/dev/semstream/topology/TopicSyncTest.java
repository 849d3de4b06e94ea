package dev.semstream.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.semstream.embedded.EmbeddedKafka;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** ensureTopics against a real broker: creates what is missing, leaves what exists, warns about differences. */
// SEPARATE_THREAD: Kafka waits uninterruptibly in places; a hung test must still fail, not hang the build.
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TopicSyncTest {

    @TempDir
    Path dir;

    @Test
    void existingTopicWithOtherPartitionCountIsAWarningNotAChange() throws Exception {
        TopicDefinitions topics = TopicDefinitions.load();
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir);
             Admin admin = Admin.create(kafka.adminConfig())) {
            admin.createTopics(List.of(new NewTopic("semstream.texts", Optional.of(2), Optional.empty())))
                    .all().get(30, TimeUnit.SECONDS);

            TopicSyncReport first = topics.ensureTopics(admin);
            assertEquals(List.of("semstream.embeddings", "semstream.dlq", "semstream.prompts", "semstream.completions",
                    "semstream.control"),
                    first.created());
            assertEquals(List.of("semstream.texts"), first.alreadyPresent());
            assertEquals(1, first.warnings().size());
            assertTrue(first.warnings().get(0).contains("semstream.texts has 2 partitions but its definition says 6"),
                    first.warnings().get(0));
            assertEquals(2, admin.describeTopics(List.of("semstream.texts")).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get("semstream.texts").partitions().size(), "left as it was");

            TopicSyncReport again = topics.ensureTopics(admin);
            assertEquals(List.of(), again.created());
            assertEquals(topics.all().size(), again.alreadyPresent().size());
        }
    }
}
