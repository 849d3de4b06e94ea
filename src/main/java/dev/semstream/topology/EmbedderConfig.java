package dev.semstream.topology;

import dev.semstream.store.VectorEncoding;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the embedder topology.
 *
 * @param inputTopic      text events in
 * @param embeddingsTopic embeddings out
 * @param deadLetterTopic records that could not be embedded, with the reason in headers
 * @param inputFormat     how the input topic is written
 * @param batchSize       texts per forward pass: a batch is flushed as soon as it holds this many
 * @param flushInterval   wall-clock time after which a smaller batch is flushed anyway
 * @param maxTextBytes    texts longer than this (UTF-8 bytes) go to the dead-letter topic
 * @param graphBuild      when a partition's index gets its HNSW graph, and on which thread it is built
 * @param vectorEncodings how each model's partition indexes hold vectors for searching; the store keeps
 *                        floats, so a change takes effect as the indexes are rebuilt from it (at the next start)
 * @param controlTopic    the model control records (active model, re-embedding, progress), read by every instance
 */
public record EmbedderConfig(String inputTopic, String embeddingsTopic, String deadLetterTopic,
                             InputFormat inputFormat, int batchSize, Duration flushInterval, int maxTextBytes,
                             GraphBuildPolicy graphBuild, VectorEncodings vectorEncodings, String controlTopic) {
    /** The persistent (RocksDB), changelogged store of the latest embedding per id. */
    public static final String VECTOR_STORE = "semstream-vectors";
    /** The changelogged store of texts waiting for the next batch. */
    public static final String BUFFER_STORE = "semstream-embed-buffer";
    /** The persistent, changelogged store of input records held, in order, while the Schema Registry is down. */
    public static final String HELD_STORE = "semstream-held-input";
    /** The global store of the control topic, on every instance. */
    public static final String CONTROL_STORE = "semstream-control";

    public EmbedderConfig {
        Objects.requireNonNull(inputTopic, "inputTopic");
        Objects.requireNonNull(embeddingsTopic, "embeddingsTopic");
        Objects.requireNonNull(deadLetterTopic, "deadLetterTopic");
        Objects.requireNonNull(inputFormat, "inputFormat");
        Objects.requireNonNull(flushInterval, "flushInterval");
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
        }
        if (flushInterval.isNegative() || flushInterval.isZero()) {
            throw new IllegalArgumentException("flushInterval must be positive, got " + flushInterval);
        }
        Objects.requireNonNull(graphBuild, "graphBuild");
        Objects.requireNonNull(vectorEncodings, "vectorEncodings");
        Objects.requireNonNull(controlTopic, "controlTopic");
        if (maxTextBytes < 1 || maxTextBytes > RecordLimits.MAX_INPUT_BYTES) {
            throw new IllegalArgumentException("maxTextBytes must be from 1 to " + RecordLimits.MAX_INPUT_BYTES
                    + ", got " + maxTextBytes);
        }
    }

    /**
     * The default topics (see topology/), Avro input, batches of 32 or every 50 ms, texts up to 64 KiB,
     * an HNSW graph from 10,000 vectors a partition, float vectors for every model.
     */
    public static EmbedderConfig defaults() {
        return new EmbedderConfig("semstream.texts", "semstream.embeddings", "semstream.dlq", InputFormat.AVRO,
                32, Duration.ofMillis(50), RecordLimits.DEFAULT_MAX_TEXT_BYTES, GraphBuildPolicy.defaults(),
                VectorEncodings.of(VectorEncoding.FLOAT), "semstream.control");
    }

    public EmbedderConfig withInputFormat(InputFormat format) {
        return new EmbedderConfig(inputTopic, embeddingsTopic, deadLetterTopic, format, batchSize, flushInterval,
                maxTextBytes, graphBuild, vectorEncodings, controlTopic);
    }

    public EmbedderConfig withBatching(int size, Duration interval) {
        return new EmbedderConfig(inputTopic, embeddingsTopic, deadLetterTopic, inputFormat, size, interval,
                maxTextBytes, graphBuild, vectorEncodings, controlTopic);
    }

    public EmbedderConfig withTopics(String input, String embeddings, String deadLetters) {
        return new EmbedderConfig(input, embeddings, deadLetters, inputFormat, batchSize, flushInterval,
                maxTextBytes, graphBuild, vectorEncodings, controlTopic);
    }

    /** When partitions get their HNSW graph (see {@link GraphBuildPolicy}). */
    public EmbedderConfig withGraphBuild(GraphBuildPolicy policy) {
        return new EmbedderConfig(inputTopic, embeddingsTopic, deadLetterTopic, inputFormat, batchSize, flushInterval,
                maxTextBytes, policy, vectorEncodings, controlTopic);
    }

    public EmbedderConfig withMaxTextBytes(int max) {
        return new EmbedderConfig(inputTopic, embeddingsTopic, deadLetterTopic, inputFormat, batchSize, flushInterval,
                max, graphBuild, vectorEncodings, controlTopic);
    }

    /** How each model's partition indexes hold vectors (see {@link VectorEncodings}). */
    public EmbedderConfig withVectorEncodings(VectorEncodings encodings) {
        return new EmbedderConfig(inputTopic, embeddingsTopic, deadLetterTopic, inputFormat, batchSize, flushInterval,
                maxTextBytes, graphBuild, encodings, controlTopic);
    }

    public EmbedderConfig withControlTopic(String topic) {
        return new EmbedderConfig(inputTopic, embeddingsTopic, deadLetterTopic, inputFormat, batchSize, flushInterval,
                maxTextBytes, graphBuild, vectorEncodings, topic);
    }
}
