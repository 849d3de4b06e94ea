package dev.semstream.app;

import dev.semstream.avro.Embedding;
import dev.semstream.avro.TextEvent;
import dev.semstream.metrics.Metrics;
import dev.semstream.metrics.ModelReading;
import dev.semstream.model.Encoder;
import dev.semstream.model.load.EncoderModels;
import dev.semstream.store.QueryableIndexes;
import dev.semstream.topology.EmbedderConfig;
import dev.semstream.topology.EmbedderTopology;
import dev.semstream.topology.EncodingQueue;
import dev.semstream.topology.ModelControl;
import dev.semstream.topology.ReembedProgress;
import dev.semstream.topology.ReembedRate;
import dev.semstream.topology.OversizedOutputHandler;
import dev.semstream.topology.TopicDefinitions;
import dev.semstream.topology.VectorStoreReader;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.util.Properties;
import java.util.function.Consumer;

/**
 * The embedder's Streams application: texts in, embeddings out, every partition's vectors in a state store
 * and a search index. Instances with the same application id share the partitions.
 */
final class EmbedderStreams extends StreamsApplication {
    private final EmbedderConfig config;
    private final ModelControl models;

    private EmbedderStreams(EmbedderConfig config, ModelControl models, Topology topology,
                            Properties properties) {
        super("the embedder", topology, properties);
        this.config = config;
        this.models = models;
    }

    /**
     * @param applicationServer where this instance's HTTP API answers other instances, or null for none
     * @param metrics           the instance's registry: the embedder records into it, and its indexes and
     *                          Kafka Streams' own metrics are read from it
     */
    static EmbedderStreams create(AppSettings settings, Cluster cluster, AvroSerdes serdes, TopicDefinitions topics,
                                  Encoder encoder, String modelLocation, HostInfo applicationServer, Metrics metrics,
                                  Consumer<String> progress) {
        EmbedderConfig config = settings.embedder().withTopics(topics.name("texts"), topics.name("embeddings"),
                topics.name("dlq")).withControlTopic(topics.name("control"));
        Properties properties = settings.streamsProperties(settings.applicationId(), cluster.bootstrapServers());
        properties.put(OversizedOutputHandler.DEAD_LETTER_TOPIC_CONFIG, config.deadLetterTopic());
        if (applicationServer != null) {
            properties.put(StreamsConfig.APPLICATION_SERVER_CONFIG,
                    applicationServer.host() + ":" + applicationServer.port());
        }
        QueryableIndexes indexes = new QueryableIndexes();
        metrics.watch(indexes);
        ModelControl models = ModelStart.follow(cluster.clientProperties(), config.controlTopic(), config.inputTopic(),
                encoder, modelLocation, EncoderModels::named, indexes, progress);
        metrics.watchModels(() -> {
            ReembedRate.Reading r = models.rate().observe(models.state(), System.nanoTime());
            ReembedProgress p = r.progress();
            return new ModelReading(models.activeModelId(), p.model(), p.done(), p.total(), p.caughtUp(),
                    p.partitions(), r.perSecond().orElse(0.0));
        });
        EmbedderStreams embedder = new EmbedderStreams(config, models, EmbedderTopology.build(config,
                EncodingQueue.background(encoder), models, serdes.forValues(TextEvent.class).deserializer(),
                serdes.forValues(Embedding.class), metrics.embedder()), properties);
        metrics.bind(settings.applicationId(), embedder.streams());
        return embedder;
    }

    /** The topic texts are read from. */
    String inputTopic() {
        return config.inputTopic();
    }

    /** The search index of every partition this instance holds, for queries. */
    QueryableIndexes indexes() {
        return models.indexes();
    }

    /** The models this instance embeds with and serves. */
    ModelControl models() {
        return models;
    }

    /** The active model's vectors in this instance's partitions, by id, for interactive queries. */
    ReadOnlyKeyValueStore<String, Embedding> vectorStore() {
        return vectorStore(models.activeModelId());
    }

    /** The model's vectors in this instance's partitions, by id. */
    ReadOnlyKeyValueStore<String, Embedding> vectorStore(String modelId) {
        return new VectorStoreReader(streams()).store(modelId, false);
    }
}
