package dev.semstream.app;

import dev.semstream.embedded.EmbeddedKafka;
import dev.semstream.topology.TopicDefinitions;
import org.apache.kafka.clients.admin.Admin;

import java.nio.file.Path;

/** The embedded broker alone, with the pipeline's topics under each given prefix: for CLI tests that need no registry. */
final class BrokerWithTopics implements AutoCloseable {
    private final EmbeddedKafka kafka;

    private BrokerWithTopics(EmbeddedKafka kafka) {
        this.kafka = kafka;
    }

    static BrokerWithTopics start(Path dir, String... topicPrefixes) {
        EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"));
        try (Admin admin = Admin.create(kafka.adminConfig())) {
            for (String prefix : topicPrefixes) {
                TopicDefinitions.load(prefix).ensureTopics(admin);
            }
        } catch (RuntimeException e) {
            kafka.close();
            throw e;
        }
        return new BrokerWithTopics(kafka);
    }

    String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    @Override
    public void close() {
        kafka.close();
    }
}
