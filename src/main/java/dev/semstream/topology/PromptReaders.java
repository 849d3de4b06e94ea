package dev.semstream.topology;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.common.GroupState;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Whether anything reads the prompts topic, so that a prompt with no generator ({@code semstream prompt},
 * {@code POST /prompts}) is refused in seconds instead of waiting its whole timeout for nothing. A generator is a consumer group (the sidecar's Streams application,
 * whatever its id) with a member assigned a partition of the topic. Anything this cannot see through (a
 * group mid-rebalance, a Streams-protocol group, a cluster that refuses the question) counts as a reader:
 * the check only ever saves a wait, it never refuses a prompt a generator could answer.
 */
public final class PromptReaders {
    /** A generator's group in one of these may be about to take the topic. */
    private static final Set<GroupState> JOINING = Set.of(GroupState.PREPARING_REBALANCE,
            GroupState.COMPLETING_REBALANCE, GroupState.ASSIGNING, GroupState.RECONCILING, GroupState.UNKNOWN);

    private PromptReaders() {
    }

    /**
     * {@link #anyWithin(Admin, String, Duration)} with an Admin client of its own on the cluster of
     * {@code clientProperties} (bootstrap servers, registry URL and pass-through settings).
     */
    public static boolean anyWithin(Map<String, Object> clientProperties, String topic, Duration patience)
            throws InterruptedException {
        Map<String, Object> config = new HashMap<>(clientProperties);
        config.remove("schema.registry.url"); // not the Admin client's, which would warn about it
        try (Admin admin = Admin.create(config)) {
            return anyWithin(admin, topic, patience);
        }
    }

    /**
     * Asks until a reader shows up or {@code patience} has passed (a generator that is starting joins in a
     * moment).
     */
    static boolean anyWithin(Admin admin, String topic, Duration patience) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (!any(admin, topic)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(500); // asking the broker again, with a deadline
        }
        return true;
    }

    static boolean any(Admin admin, String topic) throws InterruptedException {
        try {
            if (!listed(admin, ListGroupsOptions.forStreamsGroups()).isEmpty()) {
                return true;
            }
        } catch (Exception e) {
            // A broker without Streams groups refuses to list them: there are none.
        }
        try {
            Collection<GroupListing> groups = listed(admin, ListGroupsOptions.forConsumerGroups());
            if (groups.isEmpty()) {
                return false;
            }
            Collection<ConsumerGroupDescription> described = admin.describeConsumerGroups(
                    groups.stream().map(GroupListing::groupId).toList()).all().get(10, TimeUnit.SECONDS).values();
            return described.stream().anyMatch(g -> JOINING.contains(g.groupState()) || g.members().stream()
                    .anyMatch(m -> m.assignment().topicPartitions().stream().anyMatch(p -> p.topic().equals(topic))));
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            return true;
        }
    }

    private static Collection<GroupListing> listed(Admin admin, ListGroupsOptions options) throws Exception {
        List<GroupListing> all = List.copyOf(admin.listGroups(options).all().get(10, TimeUnit.SECONDS));
        return all.stream().filter(g -> g.groupState().map(s -> s != GroupState.EMPTY && s != GroupState.DEAD)
                .orElse(true)).toList();
    }
}
