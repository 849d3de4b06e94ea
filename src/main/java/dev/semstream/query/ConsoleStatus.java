package dev.semstream.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.semstream.metrics.InputLag;
import dev.semstream.metrics.MeterHistory;
import dev.semstream.store.IndexStats;
import dev.semstream.store.QueryableIndexes;
import dev.semstream.store.VectorIndex;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.HostInfo;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The console's status view: every instance with its Streams state, its partitions (active and standby)
 * with their indexes and lag, whether it runs a generator, and the last quarter of an hour of its meters
 * ({@link MeterHistory}). Each instance says its own ({@code GET /internal/console/status}); {@code GET
 * /console/status} asks them all, and lists one that does not answer as unreachable, with what the
 * cluster's metadata says of its partitions.
 */
final class ConsoleStatus {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final HostInfo self;
    private final KafkaStreams streams;
    private final String inputTopic;
    private final QueryableIndexes indexes;
    private final boolean generator;
    private final MeterHistory history;
    private final PeerClient peers;

    /** The active model and a re-embedding's progress: the control topic's, the same on every instance. */
    private final ModelsStatus models;

    ConsoleStatus(HostInfo self, ServerParts parts, PeerClient peers) {
        this.self = self;
        this.streams = parts.streams();
        this.inputTopic = parts.inputTopic();
        this.indexes = parts.indexes();
        this.generator = parts.generator() != null;
        this.history = parts.metrics().history();
        this.peers = peers;
        this.models = new ModelsStatus(PeerClient.address(self), parts.models(), parts.models().rate());
        history.start();
    }

    ApiReply handle(ApiRequest request) {
        request.requireMethod("GET");
        return ApiReply.json(200, request.rawPath().equals("/console/status") ? cluster() : local());
    }

    /** {@code GET /console/status}. */
    ObjectNode cluster() {
        long start = System.nanoTime();
        List<EveryInstance.Answer<JsonNode>> answers = EveryInstance.ask(streams, self, this::local,
                host -> peers.consoleStatus(host, TIMEOUT), TIMEOUT);
        ObjectNode o = Json.newObject();
        ArrayNode instances = o.putArray("instances");
        long vectors = 0;
        SortedSet<Integer> partitions = new TreeSet<>();
        for (EveryInstance.Answer<JsonNode> a : answers) {
            ObjectNode instance;
            if (a.answered()) {
                instance = Json.object(a.value()).deepCopy();
                for (JsonNode p : instance.path("partitions")) {
                    if ("active".equals(p.path("role").asText())) {
                        vectors += p.path("vectors").asLong(0);
                    }
                }
            } else {
                instance = unreachable(a);
            }
            // "self" is whether it is the instance answering this request, not the one it describes.
            instance.put("self", a.self());
            instances.add(instance);
            partitions.addAll(inputPartitions(a.instance().topicPartitions()));
        }
        ObjectNode totals = o.putObject("totals");
        totals.put("vectors", vectors);
        totals.put("instances", answers.size());
        totals.put("partitions", partitions.size());
        o.set("models", models.write());
        o.put("tookMs", (System.nanoTime() - start) / 1e6);
        return o;
    }

    /** {@code GET /internal/console/status}: this instance. */
    ObjectNode local() {
        ObjectNode o = Json.newObject();
        o.put("instance", PeerClient.address(self));
        o.put("self", true);
        o.put("state", streams.state().name());
        o.put("reachable", true);
        ArrayNode partitions = o.putArray("partitions");
        StreamsMetadata mine = streams.metadataForAllStreamsClients().stream()
                .filter(m -> m.hostInfo().equals(self)).findFirst().orElse(null);
        Map<Integer, VectorIndex> live = indexes.snapshot();
        Map<Integer, Long> lag = InputLag.byPartition(streams, inputTopic);
        SortedSet<Integer> active = new TreeSet<>(live.keySet());
        SortedSet<Integer> standby = new TreeSet<>();
        if (mine != null) {
            active.addAll(inputPartitions(mine.topicPartitions()));
            standby.addAll(inputPartitions(mine.standbyTopicPartitions()));
        }
        for (int p : active) {
            ObjectNode row = partitions.addObject();
            row.put("partition", p);
            row.put("role", "active");
            VectorIndex index = live.get(p);
            if (index == null) {
                // Assigned but still restoring: no index answers for it yet.
                putNullStats(row);
            } else {
                IndexStats s = index.stats();
                row.put("vectors", s.size());
                row.put("retired", s.retired());
                row.put("graphLevels", s.graphLevels());
                row.put("compactions", s.compactions());
            }
            putNullable(row, "lag", lag.get(p));
        }
        standby.removeAll(active);
        for (int p : standby) {
            ObjectNode row = partitions.addObject();
            row.put("partition", p);
            row.put("role", "standby");
            putNullStats(row);
            row.putNull("lag");
        }
        o.put("generator", generator);
        writeHistory(o.putObject("history"), history.history());
        return o;
    }

    private ObjectNode unreachable(EveryInstance.Answer<JsonNode> a) {
        ObjectNode o = Json.newObject();
        o.put("instance", a.address());
        o.putNull("state");
        o.put("reachable", false);
        o.put("error", a.error());
        ArrayNode partitions = o.putArray("partitions");
        for (int p : inputPartitions(a.instance().topicPartitions())) {
            ObjectNode row = partitions.addObject().put("partition", p).put("role", "active");
            putNullStats(row);
            row.putNull("lag");
        }
        for (int p : inputPartitions(a.instance().standbyTopicPartitions())) {
            ObjectNode row = partitions.addObject().put("partition", p).put("role", "standby");
            putNullStats(row);
            row.putNull("lag");
        }
        o.putNull("generator");
        o.putNull("history");
        return o;
    }

    private static void writeHistory(ObjectNode o, MeterHistory.History h) {
        o.put("intervalSeconds", h.intervalSeconds());
        ArrayNode t = o.putArray("t");
        for (long x : h.t()) {
            t.add(x);
        }
        putSeries(o, "embeddedPerSecond", h.embeddedPerSecond());
        putSeries(o, "deadLettersPerSecond", h.deadLettersPerSecond());
        putSeries(o, "queriesPerSecond", h.queriesPerSecond());
        putSeries(o, "queryP50Ms", h.queryP50Ms());
        putSeries(o, "queryP99Ms", h.queryP99Ms());
    }

    /** NaN (an interval without requests has no latency) is JSON's null. */
    private static void putSeries(ObjectNode o, String field, double[] values) {
        ArrayNode a = o.putArray(field);
        for (double v : values) {
            if (Double.isFinite(v)) {
                a.add(v);
            } else {
                a.addNull();
            }
        }
    }

    private static void putNullStats(ObjectNode row) {
        row.putNull("vectors");
        row.putNull("retired");
        row.putNull("graphLevels");
        row.putNull("compactions");
    }

    private static void putNullable(ObjectNode row, String field, Long value) {
        if (value == null) {
            row.putNull(field);
        } else {
            row.put(field, value);
        }
    }

    private SortedSet<Integer> inputPartitions(Collection<TopicPartition> partitions) {
        SortedSet<Integer> out = new TreeSet<>();
        for (TopicPartition tp : partitions) {
            if (tp.topic().equals(inputTopic)) {
                out.add(tp.partition());
            }
        }
        return out;
    }
}
