package dev.semstream.query;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.semstream.store.SearchHit;
import dev.semstream.store.SearchRequest;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.HostInfo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A search over every instance: asks each ({@link EveryInstance}: this one in process, the others over HTTP,
 * all at once) for its local top-k, merges them into the global top-k, and reports which partitions answered. An instance that
 * fails or misses the deadline leaves its partitions unanswered and the result partial, never an error.
 */
final class FanOutSearch {
    private final HostInfo self;
    private final KafkaStreams streams;
    private final String inputTopic;
    private final LocalSearch local;
    private final PeerClient peers;
    private volatile Unanswered unanswered = Unanswered.NONE;

    /**
     * The partitions the last search expected and did not get (every one when none answered), and when;
     * the health check reads it.
     */
    record Unanswered(java.util.SortedSet<Integer> partitions, boolean none, long atNanos) {
        static final Unanswered NONE = new Unanswered(new TreeSet<>(), false, 0);

        boolean within(Duration window) {
            return (none || !partitions.isEmpty()) && System.nanoTime() - atNanos < window.toNanos();
        }

        String describe() {
            long ago = Duration.ofNanos(System.nanoTime() - atNanos).toSeconds();
            return (none ? "no partition answered the last search" : "partitions " + partitions
                    + " did not answer the last search") + " (" + ago + " s ago)";
        }
    }

    /** One instance's answer and how long after the search began it came. */
    private record Timed(LocalAnswer answer, long elapsedNanos) {
    }

    Unanswered unanswered() {
        return unanswered;
    }

    FanOutSearch(HostInfo self, KafkaStreams streams, String inputTopic, LocalSearch local, PeerClient peers) {
        this.self = self;
        this.streams = streams;
        this.inputTopic = inputTopic;
        this.local = local;
        this.peers = peers;
    }

    /**
     * @param excludeId an id to leave out of the hits (the text a search by id started from), or null
     */
    ObjectNode search(SearchRequest request, boolean stale, Duration timeout, String excludeId) {
        long start = System.nanoTime();
        // One more hit from each instance, in case the excluded id is among them.
        SearchRequest perInstance = excludeId == null || request.k() == SearchRequest.MAX_K ? request
                : new SearchRequest(request.query(), request.modelId(), request.k() + 1, request.metric(),
                request.exact(), request.efSearch(), request.filters(), request.includeVectors());
        ObjectNode body = SearchQuery.internalBody(perInstance, stale);
        List<EveryInstance.Answer<Timed>> answers = EveryInstance.ask(streams, self,
                () -> new Timed(local.search(perInstance, stale), System.nanoTime() - start),
                host -> peers.search(host, body, timeout).thenApply(a -> new Timed(a, System.nanoTime() - start)),
                timeout);
        SortedSet<Integer> expected = new TreeSet<>();
        List<ObjectNode> instances = new ArrayList<>();
        List<List<SearchHit>> lists = new ArrayList<>();
        SortedSet<Integer> answered = new TreeSet<>();
        SortedSet<Integer> staleAnswered = new TreeSet<>();
        for (EveryInstance.Answer<Timed> a : answers) {
            expected.addAll(partitionsOf(a.instance().topicPartitions()));
            if (stale) {
                expected.addAll(partitionsOf(a.instance().standbyTopicPartitions()));
            }
            if (a.answered()) {
                collect(a.value().answer(), lists, answered, staleAnswered, instances, a.value().elapsedNanos());
            } else {
                ObjectNode o = Json.newObject();
                o.put("instance", a.address());
                o.put("error", a.error());
                instances.add(o);
            }
        }
        if (answered.isEmpty()) {
            unanswered = new Unanswered(expected, true, System.nanoTime());
            throw ApiException.unavailable("no partition answered: the application is " + streams.state()
                    + (stale ? "" : "; its stores may be restoring: retry, or ask with \"stale\": true"));
        }
        SortedSet<Integer> missing = new TreeSet<>(expected);
        missing.removeAll(answered);
        unanswered = new Unanswered(missing, false, System.nanoTime());
        ObjectNode result = Json.newObject();
        result.set("hits", HitJson.write(HitOrder.topK(lists, request.metric(), request.k(), excludeId)));
        result.put("k", request.k());
        result.put("metric", request.metric().userName());
        result.put("exact", request.exact());
        result.put("modelId", request.modelId());
        result.put("partial", !missing.isEmpty());
        ObjectNode partitions = result.putObject("partitions");
        answered.forEach(partitions.putArray("answered")::add);
        missing.forEach(partitions.putArray("missing")::add);
        staleAnswered.forEach(partitions.putArray("stale")::add);
        instances.forEach(result.putArray("instances")::add);
        result.put("tookMs", (System.nanoTime() - start) / 1e6);
        return result;
    }

    private static void collect(LocalAnswer answer, List<List<SearchHit>> lists, SortedSet<Integer> answered,
                                SortedSet<Integer> staleAnswered, List<ObjectNode> instances, long elapsedNanos) {
        // A partition answered by two instances (an active and a standby during a takeover) counts once;
        // its hits may then come twice, which the merge below removes by id.
        lists.add(answer.hits());
        answered.addAll(answer.partitions());
        staleAnswered.addAll(answer.stalePartitions());
        ObjectNode o = Json.newObject();
        o.put("instance", answer.instance());
        answer.partitions().forEach(o.putArray("partitions")::add);
        o.put("hits", answer.hits().size());
        o.put("tookMs", elapsedNanos / 1e6);
        instances.add(o);
    }

    private SortedSet<Integer> partitionsOf(java.util.Set<TopicPartition> partitions) {
        SortedSet<Integer> out = new TreeSet<>();
        for (TopicPartition tp : partitions) {
            if (tp.topic().equals(inputTopic)) {
                out.add(tp.partition());
            }
        }
        return out;
    }
}
