package dev.semstream.app;

import dev.semstream.metrics.EmbedderMetrics;
import dev.semstream.metrics.InputLag;
import dev.semstream.store.QueryableIndexes;
import dev.semstream.store.VectorIndex;
import dev.semstream.topology.DeadLetters;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.KafkaStreams;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What {@code run} says while it runs, instead of silence: every interval a status line (texts per second
 * over the interval, the input topic's lag, dead letters since start, vectors held here), and at once a
 * line the first time each dead-letter reason shows up. It only reads what is already known: the embedder's
 * texts-embedded counter, its Kafka Streams metrics (lag), its search indexes, and the dead-letter topic (read committed from where it ended at
 * start, so the count is the topic's: every instance's).
 *
 * <p>One daemon thread; it stops when closed or when the embedder shuts down.
 */
public final class StatusLine implements AutoCloseable {
    private static final int MAX_MESSAGE_CHARS = 200;

    private final KafkaStreams streams;
    private final EmbedderMetrics metrics;
    private final QueryableIndexes indexes;
    private final String inputTopic;
    private final Map<String, Object> consumerProperties;
    private final String deadLetterTopic;
    private final Duration interval;
    private final Consumer<String> out;
    private final Set<String> reasonsSeen = new HashSet<>();
    private final Thread thread;
    private volatile boolean closed;
    private long deadLetters;

    private StatusLine(KafkaStreams streams, EmbedderMetrics metrics, QueryableIndexes indexes, String inputTopic,
                       Map<String, Object> clientProperties, String deadLetterTopic, Duration interval,
                       Consumer<String> out) {
        this.streams = streams;
        this.metrics = metrics;
        this.indexes = indexes;
        this.inputTopic = inputTopic;
        this.consumerProperties = new HashMap<>(clientProperties);
        consumerProperties.remove("schema.registry.url"); // the consumer's unknown-config warning, otherwise
        consumerProperties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerProperties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        this.deadLetterTopic = deadLetterTopic;
        this.interval = interval;
        this.out = out;
        this.thread = new Thread(this::run, "semstream-status");
        thread.setDaemon(true);
    }

    /** Starts the line's thread; the first status line comes one interval from now. */
    static StatusLine start(KafkaStreams streams, EmbedderMetrics metrics, QueryableIndexes indexes,
                            String inputTopic, Map<String, Object> clientProperties, String deadLetterTopic,
                            Duration interval, Consumer<String> out) {
        StatusLine line = new StatusLine(streams, metrics, indexes, inputTopic, clientProperties, deadLetterTopic,
                interval, out);
        line.thread.start();
        return line;
    }

    private void run() {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProperties,
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(deadLetterTopic).stream()
                    .map(p -> new TopicPartition(deadLetterTopic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position); // fixes "since start" now, not at the first poll
            double embeddedBefore = metrics.textsEmbedded();
            long next = System.nanoTime() + interval.toNanos();
            while (!closed && !streams.state().isShuttingDown() && streams.state() != KafkaStreams.State.ERROR) {
                Duration wait = Duration.ofMillis(Math.min(500, interval.toMillis()));
                if (partitions.isEmpty()) {
                    Thread.sleep(wait.toMillis()); // no dead-letter topic to read: the other figures still count
                } else {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(wait)) {
                        deadLetter(r);
                    }
                }
                if (System.nanoTime() >= next) {
                    double embedded = metrics.textsEmbedded();
                    out.accept(status((embedded - embeddedBefore) / (interval.toNanos() / 1e9)));
                    embeddedBefore = embedded;
                    next += interval.toNanos();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            if (!closed) {
                out.accept("status line stopped: " + e);
            }
        }
    }

    private void deadLetter(ConsumerRecord<byte[], byte[]> r) {
        deadLetters++;
        String reason = header(r, DeadLetters.ERROR);
        if (reasonsSeen.add(reason)) {
            String message = header(r, DeadLetters.MESSAGE);
            if (message.length() > MAX_MESSAGE_CHARS) {
                message = message.substring(0, MAX_MESSAGE_CHARS) + "...";
            }
            out.accept("dead letter, first of its kind: " + reason + ": " + message + " (from "
                    + header(r, DeadLetters.SOURCE_TOPIC) + " partition " + header(r, DeadLetters.SOURCE_PARTITION)
                    + " offset " + header(r, DeadLetters.SOURCE_OFFSET) + "; the record is on " + deadLetterTopic + ")");
        }
    }

    String status(double textsPerSecond) {
        long vectors = 0;
        for (VectorIndex index : indexes.snapshot().values()) {
            vectors += index.size();
        }
        return String.format(Locale.ROOT, "%.1f texts/s, lag %d, %d dead letters since start, %d vectors",
                textsPerSecond, lag(), deadLetters, vectors);
    }

    /** Records on the input topic not yet read by this instance's partitions (the main consumers' view). */
    private long lag() {
        return InputLag.total(streams, inputTopic);
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String key) {
        Header h = r.headers().lastHeader(key);
        return h == null || h.value() == null ? "?" : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        closed = true;
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
