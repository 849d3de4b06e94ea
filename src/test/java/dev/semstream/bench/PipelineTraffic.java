package dev.semstream.bench;

import dev.semstream.app.Pipeline;
import dev.semstream.avro.TextEvent;
import dev.semstream.registry.AvroSerializer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Texts through a running pipeline, timed: a producer to its input topic and a committed reader of its
 * embeddings topic, positioned at the end before the first text goes out. The pipeline benchmarks' one way
 * of streaming texts through.
 */
final class PipelineTraffic implements AutoCloseable {
    private final Map<String, Object> props = new HashMap<>();
    private final String in;
    private final KafkaProducer<String, byte[]> producer;
    private final KafkaConsumer<String, byte[]> consumer;

    PipelineTraffic(Pipeline app) {
        props.put("bootstrap.servers", app.endpoints().bootstrapServers());
        props.put("schema.registry.url", app.endpoints().schemaRegistryUrl());
        in = app.topics().name("texts");
        String out = app.topics().name("embeddings");
        Map<String, Object> producerProps = new HashMap<>(props);
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        Map<String, Object> consumerProps = new HashMap<>(props);
        consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        producer = new KafkaProducer<>(producerProps, new StringSerializer(), new ByteArraySerializer());
        consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> parts = consumer.partitionsFor(out).stream()
                .map(p -> new TopicPartition(out, p.partition())).toList();
        consumer.assign(parts);
        consumer.seekToEnd(parts);
        parts.forEach(consumer::position);
    }

    /** Seconds from the first send until the embeddings of all {@code texts} are read back committed. */
    double streamThrough(String prefix, List<String> texts) {
        // Serialised up front so the clock measures the pipeline, not this producer's Avro encoding.
        return streamThrough(prefix, serialise(prefix, texts));
    }

    /** The texts as Avro TextEvents with the ids {@code prefix + i}. */
    byte[][] serialise(String prefix, List<String> texts) {
        byte[][] values = new byte[texts.size()][];
        try (AvroSerializer<TextEvent> avro = new AvroSerializer<>()) {
            avro.configure(props, false);
            for (int i = 0; i < values.length; i++) {
                values[i] = avro.serialize(in, TextEvent.newBuilder().setId(prefix + i).setText(texts.get(i))
                        .setMetadata(Map.of()).setEventTime(Instant.now()).build());
            }
        }
        return values;
    }

    /** Sends every value and returns the seconds until all their embeddings are read back committed. */
    double streamThrough(String prefix, byte[][] values) {
        long start = System.nanoTime();
        for (int i = 0; i < values.length; i++) {
            producer.send(new ProducerRecord<>(in, prefix + i, values[i]));
        }
        producer.flush();
        Set<String> seen = new HashSet<>();
        long deadline = start + Duration.ofMinutes(10).toNanos();
        while (seen.size() < values.length && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(100)).forEach(r -> {
                if (r.key().startsWith(prefix)) {
                    seen.add(r.key());
                }
            });
        }
        if (seen.size() < values.length) {
            throw new IllegalStateException("only " + seen.size() + " of " + values.length + " embeddings in 10 minutes");
        }
        return (System.nanoTime() - start) / 1e9;
    }

    @Override
    public void close() {
        producer.close();
        consumer.close();
    }
}
