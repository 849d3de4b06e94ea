package dev.semstream.topology;

import dev.semstream.avro.TextEvent;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The texts on the input topic at one moment, for training on what flows through the pipeline: read committed
 * from the beginning up to the end offsets taken at the start (later records are not waited for), each record
 * decoded as the embedder decodes it. What is left is what the embedder's store would hold: per id the latest
 * text, and an id whose latest record is a tombstone gone. Records the embedder would dead-letter are skipped
 * and counted by reason.
 *
 * <p>Texts come in partition order, then offset order of each id's latest record, so the same snapshot gives
 * the same list every time; {@link #read} with the stored {@link Snapshot#endOffsets} reads it again.
 */
public final class InputTopicSnapshot {
    /** How long a read may go without a record while partitions are still short of their end. */
    private static final Duration STALL_LIMIT = Duration.ofSeconds(60);

    /**
     * @param texts       each live id's text, in the order described above
     * @param endOffsets  partition to the offset the read stopped at (exclusive): the snapshot's identity
     * @param records     input records read (tombstones and skipped ones included)
     * @param skipped     records the embedder would dead-letter, by reason
     */
    public record Snapshot(List<String> texts, SortedMap<Integer, Long> endOffsets, long records,
                           Map<RejectedInput.Reason, Long> skipped) {
        public long skippedCount() {
            return skipped.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private InputTopicSnapshot() {
    }

    /**
     * @param clientProperties bootstrap servers and pass-through client settings (the registry URL lives in
     *                         {@code avro}'s configuration)
     * @param format           how the topic is written
     * @param avro             decodes Avro TextEvents; null for the text and JSON formats
     * @param upTo             the end offsets of an earlier snapshot to read again, or null for the topic's
     *                         end offsets now
     * @throws IllegalArgumentException when the topic does not exist or a partition named by {@code upTo} is gone
     */
    public static Snapshot read(Map<String, Object> clientProperties, String topic, InputFormat format,
                                Deserializer<TextEvent> avro, SortedMap<Integer, Long> upTo) {
        TextEventDecoder decoder = new TextEventDecoder(format, avro, RecordLimits.DEFAULT_MAX_TEXT_BYTES);
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.remove("schema.registry.url"); // the deserializer's, not the consumer's, which would warn about it
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic);
            if (infos == null || infos.isEmpty()) {
                throw new IllegalArgumentException("the topic " + topic + " does not exist");
            }
            List<TopicPartition> partitions = infos.stream().map(p -> new TopicPartition(topic, p.partition()))
                    .sorted(Comparator.comparingInt(TopicPartition::partition)).toList();
            SortedMap<Integer, Long> ends = upTo != null ? upTo : endOffsets(consumer, partitions);
            for (Integer p : ends.keySet()) {
                if (partitions.stream().noneMatch(tp -> tp.partition() == p)) {
                    throw new IllegalArgumentException("the topic " + topic + " has no partition " + p
                            + " any more; the snapshot cannot be read again");
                }
            }
            List<TopicPartition> toRead = partitions.stream().filter(tp -> ends.getOrDefault(tp.partition(), 0L) > 0)
                    .toList();
            consumer.assign(toRead);
            consumer.seekToBeginning(toRead);
            return collect(consumer, decoder, ends, toRead);
        }
    }

    private static SortedMap<Integer, Long> endOffsets(KafkaConsumer<byte[], byte[]> consumer,
                                                       List<TopicPartition> partitions) {
        // Read committed, these are the last stable offsets: an open transaction's records lie beyond them.
        SortedMap<Integer, Long> ends = new TreeMap<>();
        consumer.endOffsets(partitions).forEach((tp, end) -> ends.put(tp.partition(), end));
        return ends;
    }

    private static Snapshot collect(KafkaConsumer<byte[], byte[]> consumer, TextEventDecoder decoder,
                                    SortedMap<Integer, Long> ends, List<TopicPartition> partitions) {
        // Per partition, each id's latest record in offset order (null: a tombstone), folded in partition order
        // at the end, so a read that interleaves partitions differently still gives the same texts.
        SortedMap<Integer, LinkedHashMap<String, String>> latest = new TreeMap<>();
        Map<RejectedInput.Reason, Long> skipped = new EnumMap<>(RejectedInput.Reason.class);
        List<TopicPartition> open = new ArrayList<>(partitions);
        long records = 0;
        long lastProgress = System.nanoTime();
        while (!open.isEmpty()) {
            boolean progressed = false;
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                progressed = true;
                if (r.offset() >= ends.get(r.partition())) {
                    continue; // written after the snapshot was taken
                }
                records++;
                try {
                    String id;
                    String text = null;
                    if (r.value() == null) {
                        id = TextEventDecoder.tombstoneId(r.key());
                    } else {
                        long size = (long) r.value().length + (r.key() == null ? 0 : r.key().length);
                        if (size > RecordLimits.MAX_INPUT_BYTES) {
                            throw new RejectedInput(RejectedInput.Reason.RECORD_TOO_LARGE, size + " bytes");
                        }
                        TextEvent event = decoder.decode(r.topic(), r.key(), r.value());
                        id = event.getId();
                        text = event.getText();
                    }
                    LinkedHashMap<String, String> texts = latest.computeIfAbsent(r.partition(), p -> new LinkedHashMap<>());
                    texts.remove(id); // put back at the end: the order is that of latest records
                    texts.put(id, text);
                } catch (RejectedInput rejected) {
                    skipped.merge(rejected.reason(), 1L, Long::sum);
                }
            }
            List<TopicPartition> done = open.stream().filter(tp -> consumer.position(tp) >= ends.get(tp.partition()))
                    .toList();
            consumer.pause(done); // what is written to them now is past the snapshot
            open.removeAll(done);
            if (progressed) {
                lastProgress = System.nanoTime();
            } else if (!open.isEmpty() && System.nanoTime() - lastProgress > STALL_LIMIT.toNanos()) {
                throw new IllegalStateException("reading " + open + " stalled for " + STALL_LIMIT.toSeconds()
                        + " s short of the snapshot's end offsets " + ends + " (records deleted since?)");
            }
        }
        LinkedHashMap<String, String> live = new LinkedHashMap<>();
        for (LinkedHashMap<String, String> partition : latest.values()) {
            partition.forEach((id, text) -> {
                live.remove(id);
                if (text != null) {
                    live.put(id, text);
                }
            });
        }
        return new Snapshot(List.copyOf(live.values()), ends, records, skipped);
    }
}
