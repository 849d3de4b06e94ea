package dev.semstream.topology;

import dev.semstream.avro.Completion;
import dev.semstream.avro.Prompt;
import dev.semstream.metrics.GeneratorMetrics;
import dev.semstream.metrics.Metrics;
import dev.semstream.model.TextGenerator;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;

/**
 * The generator sidecar: prompts in, completions out, from the in-process GPT decoder.
 * <pre>
 *   prompts topic (bytes) -> generate [decode, validate, retrieve context, decode tokens] -> completions topic
 *                               \-> dead-letter topic (records that are not prompts)
 * </pre>
 * A prompt that is a prompt but cannot be served (empty, too long for the context, invalid sampling
 * parameters, retrieval failing) gets a completion with finish reason ERROR and the reason, so the client
 * waiting for it hears back. Built in one static method, which tests drive with {@code TopologyTestDriver}.
 */
public final class GeneratorTopology {
    static final String SOURCE = "prompts";
    static final String GENERATE = "generate";
    static final String COMPLETIONS_SINK = "completions";
    static final String DEAD_LETTER_SINK = "dead-letters";

    private GeneratorTopology() {
    }

    /** As below, its meters in a registry nobody scrapes (tests). */
    public static Topology build(GeneratorConfig config, TextGenerator generator, ContextRetriever retriever,
                                 Deserializer<Prompt> avroPrompts, Serde<Completion> completionSerde) {
        return build(config, generator, retriever, avroPrompts, completionSerde, new Metrics().generator());
    }

    /**
     * @param retriever   finds context for prompts with {@code retrievalK > 0}; null when there is none
     * @param avroPrompts decodes Avro {@code Prompt}s (Schema Registry wire format)
     * @param metrics     the instance's generator meters
     */
    public static Topology build(GeneratorConfig config, TextGenerator generator, ContextRetriever retriever,
                                 Deserializer<Prompt> avroPrompts, Serde<Completion> completionSerde,
                                 GeneratorMetrics metrics) {
        metrics.deadLetters().expect(RejectedInput.Reason.values());
        Topology topology = new Topology();
        topology.addSource(SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), config.promptsTopic());
        topology.addProcessor(GENERATE, () -> new GenerateProcessor(config, generator, retriever, avroPrompts, metrics), SOURCE);
        topology.addSink(COMPLETIONS_SINK, config.completionsTopic(), new StringSerializer(),
                completionSerde.serializer(), GENERATE);
        topology.addSink(DEAD_LETTER_SINK, config.deadLetterTopic(), new ByteArraySerializer(),
                new ByteArraySerializer(), GENERATE);
        return topology;
    }
}
