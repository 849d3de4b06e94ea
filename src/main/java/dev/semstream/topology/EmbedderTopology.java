package dev.semstream.topology;

import dev.semstream.avro.Embedding;
import dev.semstream.avro.TextEvent;
import dev.semstream.metrics.EmbedderMetrics;
import dev.semstream.metrics.Metrics;
import dev.semstream.model.Encoder;
import dev.semstream.store.QueryableIndexes;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * The embedder: text events in, embeddings out, every vector kept in a state store.
 * <pre>
 *   input topic (bytes) -> decode [re-key by id] -> repartition topic (by id) -> embed [buffer, batch-encode]
 *                            |  +-- held input (RocksDB, changelogged): records waiting for the registry
 *                            \-> dead-letter topic (original bytes + error headers)    |
 *                                                            embeddings topic <--------+--> dead-letter topic
 *                                  vector store (RocksDB, changelogged): id -> latest Embedding
 *                                  batch buffer (in memory, changelogged): id -> pending text
 * </pre>
 * Every record goes through the repartition topic, not only those keyed by something other than their id:
 * two paths would let a later update of an id overtake an earlier one. Built in one static method, which
 * tests drive with {@code TopologyTestDriver}.
 */
public final class EmbedderTopology {
    static final String SOURCE = "texts";
    static final String DECODE = "decode";
    /** The repartition topic's name in the topology: {@code <application.id>-by-id-repartition}. */
    static final String REPARTITION = "by-id";
    /** The node that takes the decode step's records keyed by id, on their way to the repartition topic. */
    static final String BY_ID = REPARTITION + "-repartition-filter";
    static final String EMBED = "embed";
    static final String EMBEDDINGS_SINK = "embeddings";
    static final String DEAD_LETTER_SINK = "dead-letters";
    /** The embed step's own writes to the control topic: its progress reports, and the switch. */
    static final String CONTROL_SINK = "control";
    static final String CONTROL_FOLLOW = "control-follow";
    /** The decode step's own sink to the dead-letter topic: one sink for both would join the two sub-topologies. */
    static final String DECODE_DEAD_LETTER_SINK = "decode-dead-letters";
    /** The sub-topology of the vector store (after the repartition topic): its tasks are the partitions' stores. */
    public static final int STORE_SUBTOPOLOGY = 1;

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

    /** As below, with a model control that can load no other model than the encoding queue's. */
    public static Topology build(EmbedderConfig config, EncodingQueue encoding, QueryableIndexes indexes,
                                 Deserializer<TextEvent> avroInput, Serde<Embedding> embeddingSerde,
                                 EmbedderMetrics metrics) {
        ModelControl control = new ModelControl(encoding.encoder(), null, (location, options) -> {
            throw new IllegalStateException("this embedder loads no other model than " + encoding.encoder().modelId());
        }, indexes);
        return build(config, encoding, control, avroInput, embeddingSerde, metrics);
    }

    /**
     * @param encoding       where batches are encoded: in the background, or inline for tests that want
     *                       every full batch's embeddings out before {@code pipeInput} returns
     * @param control        the instance's model control: which models the tasks embed with, whose
     *                       indexes they register in {@link ModelControl}'s registry for queries
     * @param avroInput      decodes Avro {@code TextEvent}s (Schema Registry wire format); unused, may be
     *                       null, for the text and JSON formats
     * @param embeddingSerde writes {@code Embedding}s to the embeddings topic
     * @param metrics        the instance's embedder meters, shared by its tasks
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static Topology build(EmbedderConfig config, EncodingQueue encoding, ModelControl control,
                                 Deserializer<TextEvent> avroInput, Serde<Embedding> embeddingSerde,
                                 EmbedderMetrics metrics) {
        metrics.deadLetters().expect(RejectedInput.Reason.values());
        TextEventDecoder decoder = new TextEventDecoder(config.inputFormat(), avroInput, config.maxTextBytes());
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(EmbedderConfig.HELD_STORE),
                Serdes.Long(), new PendingTextSerde()).withCachingDisabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(EmbedderConfig.VECTOR_STORE),
                Serdes.String(), new AvroBinarySerde<>(Embedding.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(EmbedderConfig.BUFFER_STORE),
                Serdes.String(), new PendingTextSerde()));
        // The decode step forwards its dead letters to a sink of their own, so its output is typed loosely.
        KStream<String, PendingText> byId = (KStream) builder.stream(config.inputTopic(),
                        Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName(SOURCE))
                .process(() -> new DecodeProcessor(decoder, metrics), Named.as(DECODE), EmbedderConfig.HELD_STORE);
        byId.repartition(Repartitioned.<String, PendingText>as(REPARTITION)
                        .withKeySerde(Serdes.String()).withValueSerde(new PendingTextSerde()))
                .process(() -> new EmbedProcessor(config, encoding, control.indexes(), control, metrics), Named.as(EMBED),
                        EmbedderConfig.VECTOR_STORE, EmbedderConfig.BUFFER_STORE);
        // Every instance reads the whole control topic, and a restart restores it before the tasks open.
        builder.addGlobalStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(EmbedderConfig.CONTROL_STORE),
                        Serdes.String(), Serdes.String()).withLoggingDisabled(), config.controlTopic(),
                Consumed.with(Serdes.String(), Serdes.String()).withName(CONTROL_FOLLOW),
                () -> new ControlProcessor(control));
        Topology topology = builder.build();
        topology.addSink(EMBEDDINGS_SINK, config.embeddingsTopic(), new StringSerializer(),
                embeddingSerde.serializer(), EMBED);
        topology.addSink(DECODE_DEAD_LETTER_SINK, config.deadLetterTopic(), new ByteArraySerializer(),
                new ByteArraySerializer(), DECODE);
        topology.addSink(DEAD_LETTER_SINK, config.deadLetterTopic(), new ByteArraySerializer(),
                new ByteArraySerializer(), EMBED);
        topology.addSink(CONTROL_SINK, config.controlTopic(), new StringSerializer(), new StringSerializer(), EMBED);
        return topology;
    }
}
