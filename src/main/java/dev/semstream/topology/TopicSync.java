package dev.semstream.topology;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Brings a cluster's topics in line with their definitions: creates what is missing, never alters. */
final class TopicSync {

    private static final Logger LOG = LoggerFactory.getLogger(TopicSync.class);

    private final Admin admin;
    private final Duration timeout;

    TopicSync(Admin admin, Duration timeout) {
        this.admin = admin;
        this.timeout = timeout;
    }

    TopicSyncReport ensure(List<TopicDefinition> definitions) {
        Set<String> existing = await(admin.listTopics().names(), "list topics");
        List<String> created = new ArrayList<>();
        List<String> present = new ArrayList<>();
        List<TopicDefinition> missing = new ArrayList<>();
        for (TopicDefinition definition : definitions) {
            if (existing.contains(definition.name())) {
                present.add(definition.name());
            } else {
                missing.add(definition);
            }
        }
        if (!missing.isEmpty()) {
            Map<String, KafkaFuture<Void>> results =
                    admin.createTopics(missing.stream().map(TopicDefinition::toNewTopic).toList()).values();
            for (TopicDefinition definition : missing) {
                if (create(results.get(definition.name()), definition.name())) {
                    created.add(definition.name());
                } else {
                    present.add(definition.name());
                }
            }
        }
        List<String> warnings = partitionMismatches(definitions, present);
        warnings.forEach(LOG::warn);
        return new TopicSyncReport(created, present, warnings);
    }

    /** True when this call created the topic; false when someone else created it first. */
    private boolean create(KafkaFuture<Void> result, String topic) {
        try {
            result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException e) {
            // Another instance starting at the same moment may win the race; its topic is as good as ours.
            if (e.getCause() instanceof TopicExistsException) {
                return false;
            }
            throw new IllegalStateException("cannot create topic " + topic + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("timed out after " + timeout + " creating topic " + topic, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted creating topic " + topic, e);
        }
    }

    private List<String> partitionMismatches(List<TopicDefinition> definitions, List<String> present) {
        List<String> warnings = new ArrayList<>();
        if (present.isEmpty()) {
            return warnings;
        }
        Map<String, TopicDescription> descriptions =
                await(admin.describeTopics(present).allTopicNames(), "describe topics " + present);
        for (TopicDefinition definition : definitions) {
            TopicDescription description = descriptions.get(definition.name());
            if (description != null && description.partitions().size() != definition.partitions()) {
                warnings.add("topic " + definition.name() + " has " + description.partitions().size()
                        + " partitions but its definition says " + definition.partitions() + "; left as it is");
            }
        }
        return warnings;
    }

    private <T> T await(KafkaFuture<T> future, String what) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot " + what + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("timed out after " + timeout + " trying to " + what, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted trying to " + what, e);
        }
    }
}
