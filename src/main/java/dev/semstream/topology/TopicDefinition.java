package dev.semstream.topology;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * One topic the application uses, as declared in {@code topology/topics.json}.
 *
 * @param name        the full topic name, prefix included (e.g. {@code semstream.texts})
 * @param partitions  the partition count to create it with
 * @param config      Kafka topic configs passed as-is on creation (e.g. {@code cleanup.policy})
 * @param description what the topic carries, for people reading the definitions
 */
public record TopicDefinition(String name, int partitions, Map<String, String> config, String description) {

    // Kafka's own rule for topic names (Topic.validate), repeated here to fail at load time, not at creation.
    private static final Pattern LEGAL_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    public TopicDefinition {
        Objects.requireNonNull(name, "name");
        if (!LEGAL_NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("illegal Kafka topic name '" + name
                    + "': use 1 to 249 of a-z A-Z 0-9 . _ -");
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("topic " + name + ": partitions must be at least 1, got " + partitions);
        }
        config = Map.copyOf(config);
        description = description == null ? "" : description;
    }

    /** The admin request that creates this topic; replication is left to the cluster's default. */
    public NewTopic toNewTopic() {
        return new NewTopic(name, Optional.of(partitions), Optional.empty()).configs(config);
    }
}
