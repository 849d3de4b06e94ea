package dev.semstream.reliability;

import dev.semstream.app.AppSettings;
import dev.semstream.app.Pipeline;
import dev.semstream.app.RunningPipeline;
import dev.semstream.model.EncoderOptions;
import dev.semstream.model.load.EncoderModels;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;

/**
 * The pipeline as {@code semstream run} starts it by default, in process: the embedded broker, the persistent
 * (supervised) embedded registry and the embedder, all under one data dir on loopback; and the clients the
 * reliability tests drive it with.
 */
final class EmbeddedDefault {
    private EmbeddedDefault() {
    }

    /** Started and RUNNING, committing every 100 ms so a test sees its outputs soon. */
    static Pipeline start(Path dataDir) throws InterruptedException {
        return RunningPipeline.start(AppSettings.embedded(dataDir), EncoderModels.encoder(null, EncoderOptions.defaults()));
    }

    /** The registry's client settings, for a serializer. */
    static Map<String, Object> registryProps(Pipeline app) {
        return Map.of("bootstrap.servers", app.endpoints().bootstrapServers(),
                "schema.registry.url", app.endpoints().schemaRegistryUrl());
    }

    /** A producer of raw values, acknowledged by every replica, as a careful user's would be. */
    static KafkaProducer<String, byte[]> producer(Pipeline app) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, app.endpoints().bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer());
    }

    static Admin admin(Pipeline app) {
        return Admin.create(Map.of("bootstrap.servers", app.endpoints().bootstrapServers()));
    }

    /**
     * Whether the embedder has committed its position at the end of every partition of {@code topic}: then every
     * record there is processed for good, and no later output can come from it.
     */
    static boolean consumedAll(Admin admin, String topic) {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(
                    AppSettings.DEFAULT_APPLICATION_ID).partitionsToOffsetAndMetadata().get();
            Map<TopicPartition, OffsetSpec> latest = admin.describeTopics(List.of(topic)).allTopicNames().get()
                    .get(topic).partitions().stream()
                    .collect(Collectors.toMap(p -> new TopicPartition(topic, p.partition()), p -> OffsetSpec.latest()));
            return admin.listOffsets(latest).all().get().entrySet().stream().allMatch(e -> {
                OffsetAndMetadata at = committed.get(e.getKey());
                return e.getValue().offset() == 0 || at != null && at.offset() >= e.getValue().offset();
            });
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot read the embedder's progress on " + topic, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
