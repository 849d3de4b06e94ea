package dev.semstream.topology;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.BiConsumer;

/**
 * The control topic from outside the Streams application: read to its end (what it says now) and written
 * one record at a time, by a starting instance (the first {@code active}, a {@code build} for its other
 * model) and by {@code semstream reembed}. The tasks write their progress and the switch through the
 * topology's own sink, in their transactions.
 */
public final class ControlTopic {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private final Map<String, Object> clientProperties;
    private final String topic;

    public ControlTopic(Map<String, Object> clientProperties, String topic) {
        this.clientProperties = clientProperties;
        this.topic = topic;
    }

    /** What the topic says now: every committed record up to its end. */
    public ControlState read() {
        ControlState[] state = {ControlState.EMPTY};
        readAll((key, value) -> state[0] = ControlRecords.apply(state[0], key, value));
        return state[0];
    }

    /** Every committed record to the topic's end, in order, to {@code each}. */
    public void readAll(BiConsumer<String, String> each) {
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new StringDeserializer())) {
            TopicPartition only = new TopicPartition(topic, 0);
            consumer.assign(List.of(only));
            consumer.seekToBeginning(List.of(only));
            long end = consumer.endOffsets(List.of(only), TIMEOUT).get(only);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (consumer.position(only, TIMEOUT) < end) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read the control topic " + topic + " to its end within "
                            + TIMEOUT.toSeconds() + " s");
                }
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    each.accept(r.key(), r.value());
                }
            }
        }
    }

    /**
     * Asks for a re-embedding into the model at {@code location}: writes {@code build}, with the number of
     * store partitions (the input topic's) the switch waits for.
     *
     * @return the request's time, which the progress reports and the switch carry
     */
    public long requestBuild(String location, String inputTopic, boolean keep, Duration grace) {
        int partitions;
        try (Admin admin = Admin.create(clientProperties)) {
            partitions = admin.describeTopics(List.of(inputTopic)).allTopicNames().get().get(inputTopic).partitions().size();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot describe " + inputTopic + ": " + e.getCause(), e.getCause());
        }
        long requestedAt = System.currentTimeMillis();
        write(ControlRecords.BUILD, ControlRecords.build(new ControlState.ModelBuild(location, requestedAt, partitions,
                keep, grace.toMillis())));
        return requestedAt;
    }

    /** One record, acknowledged by every in-sync replica before this returns. */
    public void write(String key, String value) {
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(),
                new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, 0, key, value)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted writing to the control topic", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot write to the control topic " + topic + ": " + e.getCause(), e.getCause());
        }
    }
}
