package dev.semstream.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.semstream.model.Encoder;
import dev.semstream.store.InvalidRequestException;
import dev.semstream.store.MapPoints;
import dev.semstream.store.PlaneProjection;
import dev.semstream.store.PrincipalPlane;
import dev.semstream.store.VectorSample;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.HostInfo;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The embedding map: every stored vector of the active model on the plane of its principal
 * components (after a model switch, the new model's: the old model's axes are computed again). The axes are computed here from a sample drawn from every instance ({@link PrincipalPlane},
 * {@link VectorSample}), kept in {@link CurrentMapBasis} (the live feed places new vectors with them), and
 * computed again when there are none, when asked, or when the store has grown or shrunk by more than a
 * quarter since. Each instance places its own vectors on the axes and this one merges them, each partition
 * once; a partition whose instance does not answer makes the map partial.
 *
 * <pre>
 * GET  /map?color=KEY&amp;refresh=true&amp;limit=N   the map (over every instance)
 * POST /map/project {text | vector}            where a text or vector falls on the current map ({@link MapProjection})
 * POST /internal/map/sample                    this instance's share of the sample
 * POST /internal/map/points                    this instance's vectors placed on given axes
 * </pre>
 */
final class EmbeddingMap {
    /** Most vectors the axes are computed from: at most this many per instance, and in all. */
    static final int SAMPLE_PER_INSTANCE = 5_000;
    static final int SAMPLE_TOTAL = 20_000;
    /** The sample's seed: one seed, so a store gives the same sample, and the same axes, every time. */
    static final long SEED = 13;
    static final int DEFAULT_LIMIT = 200_000;
    static final int MAX_LIMIT = 1_000_000;
    /** The stored count may drift this far from the count the axes were computed at before they are redone. */
    static final double DRIFT = 0.25;
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** The axes with what only their computation knows: the variances, and the sample size. */
    private record Computed(MapBasis basis, PrincipalPlane plane) {
    }

    private final HostInfo self;
    private final KafkaStreams streams;
    private final String inputTopic;
    private final ActiveEncoder encoder;
    private final MapProjection projection;
    private final LocalMap local;
    private final PeerClient peers;
    private final CurrentMapBasis current;
    private volatile Computed computed;
    /** The partitions the last sample came from: what answered when there is nothing to place yet. */
    private volatile SortedSet<Integer> lastSampled = new TreeSet<>();

    EmbeddingMap(HostInfo self, ServerParts parts, CurrentMapBasis current, PeerClient peers) {
        this.self = self;
        this.streams = parts.streams();
        this.inputTopic = parts.inputTopic();
        this.encoder = new ActiveEncoder(parts.models());
        this.projection = new MapProjection(encoder, current);
        this.local = new LocalMap(PeerClient.address(self), parts.indexes());
        this.peers = peers;
        this.current = current;
    }

    ApiReply handle(ApiRequest request) throws IOException {
        return switch (request.rawPath()) {
            case "/map" -> {
                request.requireMethod("GET");
                yield ApiReply.json(200, map(request.queryParameter("color"),
                        "true".equals(request.queryParameter("refresh")), limit(request.queryParameter("limit"))));
            }
            case "/map/project" -> ApiReply.json(200, projection.project(request.postBody()));
            case "/internal/map/sample" -> ApiReply.json(200, internalSample(request.postBody()));
            case "/internal/map/points" -> ApiReply.json(200, internalPoints(request.postBody()));
            default -> throw ApiException.notFound("no such endpoint: " + request.rawPath());
        };
    }

    ObjectNode map(String colorKey, boolean refresh, int limit) {
        long start = System.nanoTime();
        Computed axes = computed;
        boolean fresh = false;
        // After a model switch the old model's axes are of no use: the map is the active model's.
        boolean otherModel = axes != null && !axes.basis().projection().modelId().equals(encoder.modelId());
        if (axes == null || refresh || otherModel) {
            axes = compute().orElse(otherModel ? null : axes);
            fresh = true;
        }
        Placed placed = axes == null ? null : place(axes.basis().projection(), colorKey, limit);
        // Only a whole answer says how the store changed: a missing partition is not a shrunk store.
        if (placed != null && !fresh && placed.answered().containsAll(activePartitions())
                && drifted(axes.basis().storedWhenComputed(), placed.stored())) {
            Optional<Computed> again = compute();
            if (again.isPresent()) {
                axes = again.get();
                placed = place(axes.basis().projection(), colorKey, limit);
            }
        }
        ObjectNode o = Json.newObject();
        if (axes == null) {
            o.putNull("basis");
        } else {
            writeBasis(o.putObject("basis"), axes);
        }
        MapPoints points = placed == null ? new MapPoints() : placed.points();
        o.put("count", points.size());
        o.put("stored", placed == null ? 0 : placed.stored());
        o.put("truncated", placed != null && placed.stored() > points.size());
        o.put("limit", limit);
        MapShares.writeColumns(o.putObject("points"), points);
        SortedSet<Integer> answered = placed == null ? lastSampled : placed.answered();
        SortedSet<Integer> missing = new TreeSet<>(activePartitions());
        missing.removeAll(answered);
        o.put("partial", !missing.isEmpty());
        ObjectNode partitions = o.putObject("partitions");
        answered.forEach(partitions.putArray("answered")::add);
        missing.forEach(partitions.putArray("missing")::add);
        if (placed != null) {
            placed.errors().forEach(o.putArray("errors")::add);
        }
        o.put("tookMs", (System.nanoTime() - start) / 1e6);
        return o;
    }

    ObjectNode internalSample(JsonNode json) {
        JsonNode body = Json.object(json);
        String modelId = Json.text(body, "modelId");
        int dimension = Json.integer(body, "dimensions", 0);
        int size = Json.integer(body, "size", 0);
        if (modelId == null || dimension < 1 || size < 1 || size > SAMPLE_TOTAL) {
            throw ApiException.badRequest("a map sample needs modelId, dimensions and a size of 1 to " + SAMPLE_TOTAL);
        }
        long seed = body.path("seed").asLong(SEED);
        return MapShares.writeSample(local.sample(modelId, dimension, size, seed));
    }

    ObjectNode internalPoints(JsonNode json) {
        JsonNode body = Json.object(json);
        PlaneProjection plane = MapShares.readPlane(body);
        int limit = Json.integer(body, "limit", DEFAULT_LIMIT);
        if (limit < 1 || limit > MAX_LIMIT) {
            throw ApiException.badRequest("'limit' must be between 1 and " + MAX_LIMIT);
        }
        return MapShares.writePoints(local.points(plane, Json.text(body, "color"), limit, SEED));
    }

    /** New axes from a sample of every instance's vectors; empty when no vector of the model is stored. */
    private synchronized Optional<Computed> compute() {
        Encoder active = encoder.get();
        String modelId = active.modelId();
        int dimension = active.dimensions();
        ObjectNode body = Json.newObject();
        body.put("modelId", modelId);
        body.put("dimensions", dimension);
        body.put("size", SAMPLE_PER_INSTANCE);
        body.put("seed", SEED);
        List<EveryInstance.Answer<MapShares.SampleShare>> answers = EveryInstance.ask(streams, self,
                () -> local.sample(modelId, dimension, SAMPLE_PER_INSTANCE, SEED),
                host -> peers.mapSample(host, body, TIMEOUT).thenApply(
                        o -> MapShares.readSample(o, modelId, dimension, SAMPLE_PER_INSTANCE, SEED)), TIMEOUT);
        List<VectorSample> parts = new ArrayList<>();
        Set<Integer> counted = new HashSet<>();
        long stored = 0;
        for (EveryInstance.Answer<MapShares.SampleShare> a : answers) {
            if (a.answered()) {
                parts.add(a.value().sample());
                for (var e : a.value().stored().entrySet()) {
                    if (counted.add(e.getKey())) {
                        stored += e.getValue();
                    }
                }
            }
        }
        lastSampled = new TreeSet<>(counted);
        VectorSample sample = VectorSample.merge(modelId, dimension, SAMPLE_TOTAL, SEED, parts);
        if (sample.size() == 0) {
            return Optional.empty();
        }
        PrincipalPlane plane;
        try {
            plane = PrincipalPlane.of(sample);
        } catch (InvalidRequestException e) {
            return Optional.empty();
        }
        MapBasis basis = new MapBasis(idOf(plane.projection()), plane.projection(), stored, System.currentTimeMillis());
        Computed c = new Computed(basis, plane);
        computed = c;
        current.set(basis);
        return Optional.of(c);
    }

    /** The merged points, each partition once, and what answered. */
    private record Placed(MapPoints points, long stored, SortedSet<Integer> answered, List<String> errors) {
    }

    private Placed place(PlaneProjection plane, String colorKey, int limit) {
        ObjectNode body = Json.newObject();
        body.set("plane", MapShares.writePlane(plane));
        if (colorKey != null) {
            body.put("color", colorKey);
        }
        body.put("limit", limit);
        List<EveryInstance.Answer<MapShares.PointsShare>> answers = EveryInstance.ask(streams, self,
                () -> local.points(plane, colorKey, limit, SEED),
                host -> peers.mapPoints(host, body, TIMEOUT).thenApply(MapShares::readPoints), TIMEOUT);
        MapPoints all = new MapPoints();
        SortedSet<Integer> answered = new TreeSet<>();
        List<String> errors = new ArrayList<>();
        long stored = 0;
        for (EveryInstance.Answer<MapShares.PointsShare> a : answers) {
            if (!a.answered()) {
                errors.add(a.address() + ": " + a.error());
                continue;
            }
            // A partition answered by two instances (an old and a new owner during a takeover) counts once.
            for (var e : a.value().points().entrySet()) {
                if (answered.add(e.getKey())) {
                    all.addAll(e.getValue());
                    stored += a.value().stored().getOrDefault(e.getKey(), 0L);
                }
            }
        }
        return new Placed(all.atMost(limit, SEED), stored, answered, errors);
    }

    private SortedSet<Integer> activePartitions() {
        SortedSet<Integer> out = new TreeSet<>();
        streams.metadataForAllStreamsClients().forEach(m -> {
            for (TopicPartition tp : m.topicPartitions()) {
                if (tp.topic().equals(inputTopic)) {
                    out.add(tp.partition());
                }
            }
        });
        return out;
    }

    static boolean drifted(long then, long now) {
        return then == 0 ? now > 0 : Math.abs(now - then) > DRIFT * then;
    }

    private static void writeBasis(ObjectNode o, Computed c) {
        PlaneProjection p = c.basis().projection();
        o.put("id", c.basis().id());
        o.put("modelId", p.modelId());
        o.put("dimensions", p.dimensions());
        o.put("sample", c.plane().sampleSize());
        o.put("storedWhenComputed", c.basis().storedWhenComputed());
        o.put("computedAt", c.basis().computedAtMillis());
        double[] v = c.plane().explainedVariance();
        o.putArray("explainedVariance").add(v[0]).add(v[1]);
        double total = c.plane().totalVariance();
        o.put("totalVariance", total);
        o.putArray("explainedVarianceRatio").add(total > 0 ? v[0] / total : 0).add(total > 0 ? v[1] / total : 0);
        // The axes themselves, so a client can place vectors of its own the same way.
        Json.putFloats(o, "mean", p.mean());
        Json.putFloats(o, "axisX", p.axisX());
        Json.putFloats(o, "axisY", p.axisY());
    }

    /** A name from the axes' numbers: the same axes, computed again from the same store, keep their name. */
    static String idOf(PlaneProjection p) {
        long h = VectorSample.key(SEED, p.modelId());
        for (float[] a : new float[][]{p.mean(), p.axisX(), p.axisY()}) {
            for (float x : a) {
                h = h * 0x100000001b3L ^ Float.floatToIntBits(x);
            }
        }
        return String.format("pca-%016x", h);
    }

    private static int limit(String value) {
        if (value == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(value);
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException ignored) {
            // the message below says what is allowed
        }
        throw ApiException.badRequest("'limit' must be an integer between 1 and " + MAX_LIMIT + ", got '" + value + "'");
    }
}
