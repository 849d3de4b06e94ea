package dev.semstream.query;

import dev.semstream.metrics.Metrics;
import dev.semstream.model.TextGenerator;
import dev.semstream.store.QueryableIndexes;
import dev.semstream.topology.InputFormat;
import dev.semstream.topology.ModelControl;
import dev.semstream.topology.TopicDefinitions;
import org.apache.kafka.streams.KafkaStreams;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What one instance's HTTP API serves from: the embedder's Streams application and its indexes, the
 * engines (the same objects the stream threads run, so the console's views of the model are the
 * pipeline's own), the topics, and the cluster's client settings.
 *
 * @param streams          the embedder's Kafka Streams, for its metadata and stores
 * @param models           the models the embedder runs (the active one, one being built, kept ones), their
 *                         encoders and the vector indexes of this instance's partitions
 * @param generator        the decoder the generator sidecar runs on this instance, or null for none
 * @param topics           every topic's name ({@code texts}, {@code embeddings}, {@code dlq}, {@code prompts},
 *                         {@code completions})
 * @param inputFormat      how this pipeline reads its input topic (run --input-format): posted texts are
 *                         written that way
 * @param maxTextBytes     the embedder's limit on one text: a longer posted text is a 413
 * @param clientProperties bootstrap servers, registry URL and pass-through settings
 * @param metrics          what {@code GET /metrics} serves; the API's latencies are recorded there too
 */
public record ServerParts(KafkaStreams streams, ModelControl models, TextGenerator generator,
                          TopicDefinitions topics, InputFormat inputFormat, int maxTextBytes,
                          Map<String, Object> clientProperties, Metrics metrics) {
    public ServerParts {
        Objects.requireNonNull(streams, "streams");
        Objects.requireNonNull(models, "models");
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(inputFormat, "inputFormat");
        Objects.requireNonNull(clientProperties, "clientProperties");
        Objects.requireNonNull(metrics, "metrics");
        clientProperties = Map.copyOf(clientProperties);
    }

    /** The vector indexes of this instance's partitions, by model. */
    public QueryableIndexes indexes() {
        return models.indexes();
    }

    /** The generator this instance runs, if any. */
    public Optional<TextGenerator> optionalGenerator() {
        return Optional.ofNullable(generator);
    }

    String inputTopic() {
        return topics.name("texts");
    }
}
