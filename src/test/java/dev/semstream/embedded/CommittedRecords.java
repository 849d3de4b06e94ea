package dev.semstream.embedded;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Every record of one topic that a read_committed consumer sees, from the beginning and then as more are committed:
 * what the topic holds for good, with aborted transactions left out. The test polls it inside its wait, so the
 * records are read once, not re-read from the start at each check. The one read-to-end loop of the tests.
 */
public final class CommittedRecords implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<TopicPartition> partitions;
    private final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();

    public CommittedRecords(String bootstrapServers, String topic) {
        consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        partitions = consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Reads what was committed since the last call (one short poll) and returns every record read so far. */
    public List<ConsumerRecord<byte[], byte[]>> poll() {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        return records;
    }

    /** Reads up to the end that is committed now (the last stable offset), within {@code timeout}. */
    public List<ConsumerRecord<byte[], byte[]>> readToEnd(Duration timeout) {
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("could not read " + partitions + " to " + end + " in " + timeout);
            }
            poll();
        }
        return records;
    }

    /** How often each key occurs among the records read so far (a null key counts as {@code null}). */
    public Map<String, Integer> keyCounts() {
        return counts(r -> r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8));
    }

    /** How often each label occurs among the records read so far, a record's label being what {@code label} makes of it. */
    public Map<String, Integer> counts(Function<ConsumerRecord<byte[], byte[]>, String> label) {
        Map<String, Integer> counts = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            counts.merge(label.apply(r), 1, Integer::sum);
        }
        return counts;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
