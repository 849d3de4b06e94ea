package dev.semstream.query;

import dev.semstream.avro.Completion;
import dev.semstream.avro.Embedding;
import dev.semstream.registry.AvroDeserializer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.Optional;

/**
 * The feed's one reader of the pipeline: a plain consumer on its own thread, with no group (nothing to
 * rebalance, no offsets committed, no effect on the pipeline's consumers), assigned every partition of
 * the embeddings, dead-letter and completions topics and starting at their ends; committed records only,
 * as the pipeline's exactly-once output is meant to be read. Every instance runs one, so a page on any
 * instance sees the whole pipeline.
 */
final class FeedTail implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FeedTail.class);
    private static final Duration POLL = Duration.ofMillis(500);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final AvroDeserializer<Embedding> embeddings = new AvroDeserializer<>();
    private final AvroDeserializer<Completion> completions = new AvroDeserializer<>();
    private final String embeddingsTopic;
    private final String deadLetterTopic;
    private final String completionsTopic;
    private final FeedHub hub;
    private final Supplier<Optional<MapBasis>> basis;
    private final Thread thread;
    private volatile boolean closed;

    /** Assigns and positions the consumer now, so every record committed after this returns is in the feed. */
    FeedTail(Map<String, Object> clientProperties, String embeddingsTopic, String deadLetterTopic,
             String completionsTopic, FeedHub hub, Supplier<Optional<MapBasis>> basis) {
        this.embeddingsTopic = embeddingsTopic;
        this.deadLetterTopic = deadLetterTopic;
        this.completionsTopic = completionsTopic;
        this.hub = hub;
        this.basis = basis;
        Map<String, Object> config = new HashMap<>(clientProperties);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "semstream-console-feed");
        embeddings.configure(withType(config, Embedding.class), false);
        completions.configure(withType(config, Completion.class), false);
        consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(embeddingsTopic, deadLetterTopic, completionsTopic)) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic);
            if (infos != null) {
                infos.forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // the end now, not at the first poll
        thread = new Thread(this::run, "semstream-feed-tail");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    private void run() {
        try {
            while (!closed) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                    publish(r, System.currentTimeMillis());
                }
            }
        } catch (WakeupException e) {
            // close() asked
        } catch (RuntimeException e) {
            LOG.warn("the console's live feed stopped reading the pipeline's topics", e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void publish(ConsumerRecord<byte[], byte[]> r, long seenAt) {
        try {
            if (r.topic().equals(deadLetterTopic)) {
                hub.publish(FeedKind.DEAD_LETTER, FeedRecords.deadLetter(r, seenAt));
            } else if (r.topic().equals(embeddingsTopic)) {
                if (r.value() == null) {
                    hub.publish(FeedKind.DELETE, FeedRecords.delete(r, seenAt));
                } else {
                    hub.publish(FeedKind.EMBEDDING, FeedRecords.embedding(r,
                            embeddings.deserialize(r.topic(), r.value()), basis.get(), seenAt));
                }
            } else if (r.topic().equals(completionsTopic) && r.value() != null) {
                hub.publish(FeedKind.COMPLETION, FeedRecords.completion(r,
                        completions.deserialize(r.topic(), r.value()), seenAt));
            }
        } catch (RuntimeException e) {
            // A record the feed cannot show (the registry unreachable for a moment, say) is left out of the
            // feed, not a reason to stop it; the pipeline itself is not affected.
            LOG.warn("the live feed left out {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.toString());
        }
    }

    private static Map<String, Object> withType(Map<String, Object> config, Class<?> type) {
        Map<String, Object> typed = new HashMap<>(config);
        typed.put("specific.avro.value.type", type);
        return typed;
    }

    /** Stops the thread and waits for it (its consumer closes on it). */
    @Override
    public void close() {
        closed = true;
        if (thread.getState() == Thread.State.NEW) {
            consumer.close(Duration.ZERO);
        }
        consumer.wakeup();
        try {
            thread.join(Duration.ofSeconds(10).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        embeddings.close();
        completions.close();
    }
}
