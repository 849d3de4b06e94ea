package dev.semstream.topology;

import dev.semstream.avro.Embedding;
import dev.semstream.avro.TextEvent;
import dev.semstream.metrics.EmbedderMetrics;
import dev.semstream.metrics.Metrics;
import dev.semstream.model.Encoder;
import dev.semstream.store.QueryableIndexes;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The embedder: text events in, embeddings out, every vector kept in a state store.
 * <pre>
 *   input topic (bytes) -> embed [decode, buffer, batch-encode] -> embeddings topic (Avro Embedding)
 *                                  |  \-> dead-letter topic (original bytes + error headers)
 *                                  +-- vector store (RocksDB, changelogged): id -> latest Embedding
 *                                  +-- batch buffer (in memory, changelogged): id -> pending text
 * </pre>
 * Built in one static method, which tests drive with {@code TopologyTestDriver}.
 */
public final class EmbedderTopology {
    static final String SOURCE = "texts";
    static final String EMBED = "embed";
    static final String EMBEDDINGS_SINK = "embeddings";
    static final String DEAD_LETTER_SINK = "dead-letters";

    private EmbedderTopology() {
    }

    /** The embedder with batches encoded on a background thread, as an application runs it. */
    public static Topology build(EmbedderConfig config, Encoder encoder, Deserializer<TextEvent> avroInput,
                                 Serde<Embedding> embeddingSerde) {
        return build(config, EncodingQueue.background(encoder), new QueryableIndexes(), avroInput, embeddingSerde);
    }

    /** As below, its meters in a registry nobody scrapes (tests). */
    public static Topology build(EmbedderConfig config, EncodingQueue encoding, QueryableIndexes indexes,
                                 Deserializer<TextEvent> avroInput, Serde<Embedding> embeddingSerde) {
        return build(config, encoding, indexes, avroInput, embeddingSerde, new Metrics().embedder());
    }

    /**
     * @param encoding       where batches are encoded: in the background, or inline for tests that want
     *                       every full batch's embeddings out before {@code pipeInput} returns
     * @param indexes        where each task registers its partition's search index, for queries
     * @param avroInput      decodes Avro {@code TextEvent}s (Schema Registry wire format); unused, may be
     *                       null, for the text and JSON formats
     * @param embeddingSerde writes {@code Embedding}s to the embeddings topic
     * @param metrics        the instance's embedder meters, shared by its tasks
     */
    public static Topology build(EmbedderConfig config, EncodingQueue encoding, QueryableIndexes indexes,
                                 Deserializer<TextEvent> avroInput, Serde<Embedding> embeddingSerde,
                                 EmbedderMetrics metrics) {
        metrics.deadLetters().expect(RejectedInput.Reason.values());
        TextEventDecoder decoder = new TextEventDecoder(config.inputFormat(), avroInput, config.maxTextBytes());
        Topology topology = new Topology();
        topology.addSource(SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), config.inputTopic());
        topology.addProcessor(EMBED, () -> new EmbedProcessor(config, encoding, decoder, indexes, metrics), SOURCE);
        topology.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(EmbedderConfig.VECTOR_STORE),
                Serdes.String(), new AvroBinarySerde<>(Embedding.class)), EMBED);
        topology.addStateStore(Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(EmbedderConfig.BUFFER_STORE),
                Serdes.String(), new PendingTextSerde()), EMBED);
        topology.addSink(EMBEDDINGS_SINK, config.embeddingsTopic(), new StringSerializer(),
                embeddingSerde.serializer(), EMBED);
        topology.addSink(DEAD_LETTER_SINK, config.deadLetterTopic(), new ByteArraySerializer(),
                new ByteArraySerializer(), EMBED);
        return topology;
    }
}
