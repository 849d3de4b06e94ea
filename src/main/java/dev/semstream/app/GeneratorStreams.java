package dev.semstream.app;

import dev.semstream.avro.Completion;
import dev.semstream.avro.Prompt;
import dev.semstream.metrics.Metrics;
import dev.semstream.model.TextGenerator;
import dev.semstream.query.ApiContextRetriever;
import dev.semstream.topology.ContextRetriever;
import dev.semstream.topology.GeneratorConfig;
import dev.semstream.topology.GeneratorTopology;
import dev.semstream.topology.OversizedOutputHandler;
import dev.semstream.topology.TopicDefinitions;
import org.apache.kafka.streams.Topology;

import java.util.Properties;

/**
 * The generator sidecar's Streams application: prompts in, completions out, on the embedder's cluster.
 * Its application id is its own, so it scales apart from the embedder; it keeps no state to query.
 */
final class GeneratorStreams extends StreamsApplication {
    static final String APPLICATION_ID = "semstream-generator";

    private GeneratorStreams(Topology topology, Properties properties) {
        super("the generator sidecar", topology, properties);
    }

    /**
     * @param queryUrl this instance's HTTP API, whose similarity search fans out to every embedder
     *                 instance: the retrieval for prompts that ask for context; null for none
     * @param metrics  the instance's registry: the sidecar records into it, and its Kafka Streams metrics
     *                 are read from it
     */
    static GeneratorStreams create(AppSettings settings, Cluster cluster, AvroSerdes serdes, TopicDefinitions topics,
                                   TextGenerator generator, String queryUrl, Metrics metrics) {
        GeneratorConfig config = GeneratorConfig.defaults().withTopics(topics.name("prompts"),
                topics.name("completions"), topics.name("dlq"));
        ContextRetriever retriever = queryUrl == null ? null : new ApiContextRetriever(queryUrl);
        Properties properties = settings.streamsProperties(APPLICATION_ID, cluster.bootstrapServers());
        properties.put(OversizedOutputHandler.DEAD_LETTER_TOPIC_CONFIG, config.deadLetterTopic());
        GeneratorStreams sidecar = new GeneratorStreams(GeneratorTopology.build(config, generator, retriever,
                serdes.forValues(Prompt.class).deserializer(), serdes.forValues(Completion.class),
                metrics.generator()), properties);
        metrics.bind(APPLICATION_ID, sidecar.streams());
        return sidecar;
    }
}
