package dev.semstream.topology;

import dev.semstream.avro.Embedding;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Properties;

/**
 * The embedder's topology on a {@link TopologyTestDriver}, exactly once, from a fixed wall-clock start: the
 * input topic, the embeddings topic and the vector store, which every embedder topology test drives.
 */
final class EmbedderTestDriver implements AutoCloseable {
    static final Instant START = Instant.ofEpochMilli(1_700_000_000_000L);

    final TopologyTestDriver driver;
    final TestInputTopic<byte[], byte[]> input;
    final TestOutputTopic<String, Embedding> embeddings;
    final KeyValueStore<String, Embedding> store;

    EmbedderTestDriver(Topology topology, EmbedderConfig config, String applicationId, Path stateDir) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(topology, props, START);
        input = driver.createInputTopic(config.inputTopic(), new ByteArraySerializer(), new ByteArraySerializer());
        embeddings = driver.createOutputTopic(config.embeddingsTopic(), new StringDeserializer(),
                new AvroBinarySerde<>(Embedding.class).deserializer());
        store = driver.getKeyValueStore(EmbedderConfig.VECTOR_STORE);
    }

    /** A text (null: a tombstone) keyed by its id, as the input topic carries it in the text format. */
    void pipeText(String id, String text) {
        input.pipeInput(utf8(id), text == null ? null : utf8(text));
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        driver.close();
    }
}
