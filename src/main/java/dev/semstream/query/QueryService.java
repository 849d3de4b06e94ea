package dev.semstream.query;

import dev.semstream.store.Scores;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.semstream.avro.TextEvent;
import dev.semstream.metrics.QueryMetrics;
import dev.semstream.metrics.QueryMetrics.Kind;
import dev.semstream.model.TextVector;
import dev.semstream.model.Encoder;
import dev.semstream.store.IndexConfig;
import dev.semstream.store.QueryableIndexes;
import dev.semstream.store.SearchRequest;
import dev.semstream.store.VectorIndex;
import dev.semstream.topology.ControlState;
import dev.semstream.topology.ModelControl;
import dev.semstream.topology.ReembedProgress;
import dev.semstream.topology.TextEvents;
import dev.semstream.topology.VectorStoreReader;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.HostInfo;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What the HTTP API does, request JSON in, response JSON out; {@link QueryServer} only carries it. */
final class QueryService implements AutoCloseable {
    /** Most texts one ingest request may carry. */
    static final int MAX_INGEST = 1000;

    private final HostInfo self;
    private final KafkaStreams streams;
    private final ModelControl models;
    private final ActiveEncoder activeEncoder;
    private final QueryableIndexes indexes;
    private final LocalSearch local;
    private final FanOutSearch fanOut;
    private final EmbeddingLookup lookup;
    private final Ingest ingest;
    private final Health health;
    private final QueryMetrics metrics;

    /** @param clientProperties the cluster's client settings, for the health probes */
    QueryService(HostInfo self, KafkaStreams streams, ModelControl models, String inputTopic,
                 Ingest ingest, String apiToken, Map<String, Object> clientProperties, QueryMetrics metrics) {
        this.self = self;
        this.streams = streams;
        this.models = models;
        this.activeEncoder = new ActiveEncoder(models);
        this.indexes = models.indexes();
        PeerClient peers = new PeerClient(apiToken);
        VectorStoreReader stores = new VectorStoreReader(streams);
        this.local = new LocalSearch(PeerClient.address(self), indexes, stores);
        this.fanOut = new FanOutSearch(self, streams, inputTopic, local, peers);
        this.lookup = new EmbeddingLookup(self, streams, stores, peers, models::activeModelId);
        this.ingest = ingest;
        this.health = new Health(streams, new Reachability(clientProperties), fanOut::unanswered);
        this.metrics = metrics;
    }

    /** {@code POST /search}: by text, vector or id, over every instance. */
    ObjectNode search(JsonNode body) {
        long start = System.nanoTime();
        SearchQuery q = SearchQuery.parse(body);
        try {
            return search(q);
        } finally {
            metrics.answered(q.exact() ? Kind.EXACT : q.stale() ? Kind.STALE : Kind.SEARCH, start);
        }
    }

    private ObjectNode search(SearchQuery q) {
        float[] vector;
        String modelId;
        // The model is chosen once, here, and sent to every instance: a query during a switch is answered
        // from one model everywhere (the old model's indexes stay through the grace period).
        if (q.text() != null) {
            Encoder encoder = q.modelId() == null ? activeEncoder.get() : servable(q.modelId());
            vector = encoder.embedQuery(q.text()).vector();
            modelId = encoder.modelId();
        } else if (q.vector() != null) {
            vector = q.vector();
            modelId = q.modelId() == null ? models.activeModelId() : q.modelId();
        } else {
            JsonNode stored = lookup.get(q.id(), q.stale())
                    .orElseThrow(() -> ApiException.notFound("no stored text has id '" + q.id() + "'"));
            vector = Json.floats(stored, "vector");
            modelId = stored.get("modelId").asText();
        }
        checkModel(modelId, vector.length);
        SearchRequest request = q.request(vector, modelId, q.k());
        ObjectNode result = fanOut.search(request, q.stale(), q.timeout(), q.id());
        ObjectNode query = result.putObject("query");
        query.put("by", q.text() != null ? "text" : q.vector() != null ? "vector" : "id");
        if (q.text() != null) {
            query.put("text", q.text());
        }
        if (q.id() != null) {
            query.put("id", q.id());
        }
        ObjectNode filters = query.putObject("filters");
        q.filters().forEach(filters::put);
        return result;
    }

    /** {@code POST /internal/search}: this instance's partitions only, asked by another instance. */
    ObjectNode internalSearch(JsonNode body) {
        SearchQuery q = SearchQuery.parse(body);
        if (q.vector() == null) {
            throw ApiException.badRequest("an internal search is by vector");
        }
        String modelId = q.modelId() == null ? models.activeModelId() : q.modelId();
        return HitJson.write(local.search(q.request(q.vector(), modelId, q.k()), q.stale()));
    }

    /** {@code GET /embeddings/{id}}. */
    JsonNode embedding(String id, boolean stale) {
        long start = System.nanoTime();
        try {
            return lookup.get(id, stale).orElseThrow(() -> ApiException.notFound("no stored text has id '" + id + "'"));
        } finally {
            metrics.answered(Kind.EMBEDDING, start);
        }
    }

    /** {@code GET /internal/embeddings/{id}}. */
    JsonNode localEmbedding(String id, boolean stale) {
        return lookup.local(id, stale).orElseThrow(() -> ApiException.notFound("no stored text has id '" + id + "' here"));
    }

    /** {@code POST /similarity}: how alike two texts are, by every metric. */
    ObjectNode similarity(JsonNode json) {
        Encoder encoder = activeEncoder.get();
        JsonNode body = Json.object(json);
        String a = requiredText(body, "a");
        String b = requiredText(body, "b");
        List<TextVector> e = encoder.embed(List.of(a, b));
        ObjectNode o = Json.newObject();
        o.put("cosine", Scores.cosine(e.get(0).vector(), e.get(1).vector()));
        o.put("euclidean", Scores.euclidean(e.get(0).vector(), e.get(1).vector()));
        o.put("dot", Scores.dot(e.get(0).vector(), e.get(1).vector()));
        o.put("modelId", encoder.modelId());
        o.put("normalized", encoder.options().normalize());
        return o;
    }

    /** {@code POST /embed}: a text's embedding, not stored. */
    ObjectNode embed(JsonNode json) {
        String text = requiredText(Json.object(json), "text");
        Encoder encoder = activeEncoder.get();
        TextVector e = encoder.embed(text);
        ObjectNode o = Json.newObject();
        o.put("modelId", encoder.modelId());
        o.put("dimensions", e.vector().length);
        o.put("tokenCount", e.tokenCount());
        o.put("truncated", e.truncated());
        Json.putFloats(o, "vector", e.vector());
        return o;
    }

    /**
     * {@code POST /texts}: one text ({@code {"text": ..., "id": ..., "metadata": {...}}}) or many
     * ({@code {"texts": [...]}}, each a string or such an object), produced to the input topic in the
     * pipeline's input format, all or none. A text without an id gets its content id
     * ({@link TextEvents#stableId}), as {@code produce} gives it, so the same text sent again updates it.
     */
    ObjectNode ingest(JsonNode json) {
        long start = System.nanoTime();
        try {
            return ingestTexts(json);
        } finally {
            metrics.answered(Kind.INGEST, start);
        }
    }

    private ObjectNode ingestTexts(JsonNode json) {
        JsonNode body = Json.object(json);
        List<TextEvent> events = new ArrayList<>();
        JsonNode many = body.get("texts");
        if (many != null) {
            if (!many.isArray() || many.isEmpty()) {
                throw ApiException.badRequest("'texts' must be a non-empty array of strings or {id, text, metadata} objects");
            }
            if (many.size() > MAX_INGEST) {
                throw ApiException.badRequest("at most " + MAX_INGEST + " texts per request, got " + many.size());
            }
            for (int i = 0; i < many.size(); i++) {
                JsonNode t = many.get(i);
                events.add(t.isTextual() ? event(null, nonBlank(t.asText(), "texts[" + i + "]"), Map.of())
                        : event(Json.object(t), "texts[" + i + "]"));
            }
        } else {
            events.add(event(body, "text"));
        }
        List<RecordMetadata> acks = ingest.send(events);
        ObjectNode o = Json.newObject();
        o.put("accepted", events.size());
        ArrayNode ids = o.putArray("ids");
        events.forEach(e -> ids.add(e.getId()));
        ArrayNode where = o.putArray("partitions");
        acks.forEach(a -> where.add(a.partition()));
        return o;
    }

    /** {@code DELETE /texts/{id}}: a tombstone to the input topic, keyed by the id as ingest keys texts. */
    ObjectNode delete(String id) {
        long start = System.nanoTime();
        RecordMetadata ack;
        try {
            ack = ingest.delete(id);
        } finally {
            metrics.answered(Kind.INGEST, start);
        }
        ObjectNode o = Json.newObject();
        o.put("deleted", id);
        o.put("partition", ack.partition());
        return o;
    }

    /** {@code GET /instances}: every instance of the application and the partitions it holds. */
    ObjectNode instances() {
        ObjectNode o = Json.newObject();
        o.put("self", PeerClient.address(self));
        o.put("state", streams.state().name());
        ArrayNode list = o.putArray("instances");
        for (StreamsMetadata m : streams.metadataForAllStreamsClients()) {
            ObjectNode i = list.addObject();
            i.put("instance", PeerClient.address(m.hostInfo()));
            i.put("self", m.hostInfo().equals(self));
            m.topicPartitions().stream().map(tp -> tp.topic() + "-" + tp.partition()).sorted()
                    .forEach(i.putArray("active")::add);
            m.standbyTopicPartitions().stream().map(tp -> tp.topic() + "-" + tp.partition()).sorted()
                    .forEach(i.putArray("standby")::add);
        }
        return o;
    }

    /** What {@code GET /health} and {@code GET /ready} answer: see {@link Health}. */
    Health.Verdict verdict() {
        return health.verdict();
    }

    /** The body of {@code /health} and {@code /ready}: the verdict, the probes, the indexed partitions. */
    ObjectNode health(Health.Verdict verdict) {
        ObjectNode o = health.write(verdict, Json.newObject());
        o.put("instance", PeerClient.address(self));
        o.put("modelId", models.activeModelId());
        ObjectNode partitions = o.putObject("indexedPartitions");
        long vectors = 0;
        for (Map.Entry<Integer, VectorIndex> e : indexes.snapshot().entrySet()) {
            partitions.put(String.valueOf(e.getKey()), e.getValue().size());
            vectors += e.getValue().size();
        }
        o.put("vectors", vectors);
        o.put("time", Instant.now().toString());
        return o;
    }

    @Override
    public void close() {
        health.close();
    }

    /**
     * A model queries may name: the active one, a kept one, or one retired and still in its grace period;
     * a model being built is refused until the switch (its store is incomplete), as is any other.
     */
    private Encoder servable(String modelId) {
        String active = models.activeModelId();
        ControlState state = models.state();
        if (modelId.equals(active)) {
            return activeEncoder.get();
        }
        Optional<Encoder> loaded = models.encoder(modelId);
        boolean inGrace = state.retired().getOrDefault(modelId, 0L) > System.currentTimeMillis();
        if (loaded.isPresent() && (inGrace || state.kept().containsKey(modelId))) {
            return loaded.get();
        }
        if (loaded.isPresent() && models.buildingEncoder().filter(b -> b.modelId().equals(modelId)).isPresent()) {
            throw new ApiException(409, "model_building", "model " + modelId + " is still being built ("
                    + ReembedProgress.of(state).percentDone() + "% re-embedded); the active model is " + active);
        }
        throw new ApiException(409, "model_mismatch", "model " + modelId + " is not served by this pipeline;"
                + " the active model is " + active + "; vectors of different models cannot be compared");
    }

    private void checkModel(String modelId, int dimensions) {
        Encoder encoder = servable(modelId);
        if (dimensions != encoder.dimensions()) {
            throw ApiException.badRequest("the query vector has " + dimensions + " dimensions; model "
                    + encoder.modelId() + " makes " + encoder.dimensions());
        }
    }

    private static TextEvent event(JsonNode o, String where) {
        String text = nonBlank(Json.text(o, "text"), where + ".text");
        return event(Json.text(o, "id"), text, Json.strings(o, "metadata"));
    }

    private static TextEvent event(String id, String text, Map<String, String> metadata) {
        if (id != null && id.isEmpty()) {
            throw ApiException.badRequest("'id' is empty");
        }
        return TextEvents.of(id, text, metadata);
    }

    private static String requiredText(JsonNode body, String field) {
        return nonBlank(Json.text(body, field), field);
    }

    private static String nonBlank(String text, String field) {
        if (text == null) {
            throw ApiException.badRequest("'" + field + "' is missing");
        }
        if (text.isBlank()) {
            throw ApiException.badRequest("'" + field + "' is blank");
        }
        return text;
    }
}
