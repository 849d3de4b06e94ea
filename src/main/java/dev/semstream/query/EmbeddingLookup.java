package dev.semstream.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.semstream.avro.Embedding;
import dev.semstream.topology.EmbeddingRecords;
import dev.semstream.topology.VectorStoreReader;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Gets one stored embedding by id from whichever instance holds it: first the instance that owns the
 * id's partition (when records are keyed by id, as {@code produce} writes them), then, for records keyed
 * otherwise, every other instance. A stale read may be answered by a standby replica.
 */
final class EmbeddingLookup {
    private static final Duration PEER_TIMEOUT = Duration.ofSeconds(2);
    private final HostInfo self;
    private final KafkaStreams streams;
    private final VectorStoreReader stores;
    private final PeerClient peers;
    /** The model whose vectors are looked up: the active one (each instance follows the same control topic). */
    private final Supplier<String> model;

    EmbeddingLookup(HostInfo self, KafkaStreams streams, VectorStoreReader stores, PeerClient peers,
                    Supplier<String> model) {
        this.self = self;
        this.streams = streams;
        this.stores = stores;
        this.peers = peers;
        this.model = model;
    }

    /** The embedding as JSON, or empty if no instance holds the id. */
    Optional<JsonNode> get(String id, boolean stale) {
        Set<HostInfo> hosts = new LinkedHashSet<>();
        KeyQueryMetadata owner = stores.whereIs(id);
        if (owner != null && !owner.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
            hosts.add(owner.activeHost());
            if (stale) {
                hosts.addAll(owner.standbyHosts());
            }
        }
        for (StreamsMetadata instance : streams.metadataForAllStreamsClients()) {
            hosts.add(instance.hostInfo());
        }
        if (hosts.isEmpty()) {
            throw ApiException.unavailable("no instance holds the store yet: the application is " + streams.state());
        }
        ApiException lastFailure = null;
        for (HostInfo host : hosts) {
            try {
                Optional<JsonNode> found = host.equals(self) ? local(id, stale) : peers.embedding(host, id, stale, PEER_TIMEOUT);
                if (found.isPresent()) {
                    return found;
                }
            } catch (ApiException e) {
                lastFailure = e;
            } catch (Exception e) {
                lastFailure = ApiException.unavailable(PeerClient.address(host) + " did not answer: " + e);
            }
        }
        if (lastFailure != null) {
            throw lastFailure;
        }
        return Optional.empty();
    }

    /** This instance's stores only. */
    Optional<JsonNode> local(String id, boolean stale) {
        Embedding e;
        try {
            e = stores.get(model.get(), id, stale);
        } catch (InvalidStateStoreException notReady) {
            throw ApiException.unavailable("the vector store is not queryable now (" + streams.state()
                    + "): it may be restoring; retry, or ask with stale=true");
        }
        return Optional.ofNullable(e).map(EmbeddingLookup::toJson);
    }

    static ObjectNode toJson(Embedding e) {
        ObjectNode o = Json.newObject();
        o.put("id", e.getId());
        o.put("modelId", e.getModelId());
        o.put("dimensions", e.getDimensions());
        o.put("tokenCount", e.getTokenCount());
        o.put("truncated", e.getTruncated());
        o.put("text", e.getText());
        ObjectNode metadata = o.putObject("metadata");
        e.getMetadata().forEach(metadata::put);
        if (e.getEventTime() != null) {
            o.put("eventTime", e.getEventTime().toString());
        }
        o.put("embeddedAt", e.getEmbeddedAt().toString());
        Json.putFloats(o, "vector", EmbeddingRecords.vector(e));
        return o;
    }
}
