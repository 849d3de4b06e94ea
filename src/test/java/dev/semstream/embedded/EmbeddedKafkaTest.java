package dev.semstream.embedded;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.semstream.topology.TopicDefinitions;
import dev.semstream.topology.TopicSyncReport;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

// SEPARATE_THREAD: Kafka waits uninterruptibly in places; a hung test must still fail, not hang the build.
@Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class EmbeddedKafkaTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void createsTheDefinedTopicsAndCommitsTransactions() throws Exception {
        TopicDefinitions topics = TopicDefinitions.load();
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"));
             Admin admin = Clients.admin(kafka)) {
            System.err.println("embedded Kafka first start (format included): " + kafka.startupTime().toMillis() + " ms");
            TopicSyncReport report = topics.ensureTopics(admin);
            assertEquals(topics.all().stream().map(t -> t.name()).toList(), report.created());
            assertEquals(List.of(), report.warnings());

            Map<String, TopicDescription> described = admin.describeTopics(List.of("semstream.texts", "semstream.embeddings"))
                    .allTopicNames().get(30, TimeUnit.SECONDS);
            assertEquals(6, described.get("semstream.texts").partitions().size());
            ConfigResource embeddings = new ConfigResource(ConfigResource.Type.TOPIC, "semstream.embeddings");
            Config config = admin.describeConfigs(List.of(embeddings)).all().get(30, TimeUnit.SECONDS).get(embeddings);
            assertEquals("compact", config.get("cleanup.policy").value());

            String topic = topics.name("texts");
            try (KafkaProducer<String, String> producer = Clients.transactionalProducer(kafka, "tx-test")) {
                producer.initTransactions();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>(topic, "a", "committed-1"));
                producer.send(new ProducerRecord<>(topic, "a", "committed-2"));
                producer.commitTransaction();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>(topic, "a", "aborted"));
                producer.flush();
                producer.abortTransaction();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>(topic, "a", "committed-3"));
                producer.commitTransaction();
            }
            try (KafkaConsumer<String, String> consumer = Clients.readCommittedConsumer(kafka, "reader")) {
                consumer.subscribe(List.of(topic));
                List<String> values = Clients.pollAtLeast(consumer, 3, WAIT).stream().map(ConsumerRecord::value).toList();
                assertEquals(List.of("committed-1", "committed-2", "committed-3"), values);
                // The aborted record is never delivered, even after more polling.
                assertTrue(Clients.pollAtLeast(consumer, 1, Duration.ofSeconds(1)).isEmpty());
            }
        }
    }

    @Test
    void restartKeepsTopicsCommittedOffsetsAndClusterId() throws Exception {
        Path data = dir.resolve("kafka");
        TopicDefinitions topics = TopicDefinitions.load();
        String topic = topics.name("texts");
        TopicPartition partition = new TopicPartition(topic, 0);
        String clusterId;
        try (EmbeddedKafka kafka = EmbeddedKafka.start(data);
             Admin admin = Clients.admin(kafka)) {
            clusterId = kafka.clusterId();
            assertEquals(clusterId, admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS));
            topics.ensureTopics(admin);
            try (KafkaProducer<String, String> producer = Clients.transactionalProducer(kafka, "tx-restart")) {
                producer.initTransactions();
                producer.beginTransaction();
                for (int i = 0; i < 5; i++) {
                    producer.send(new ProducerRecord<>(topic, 0, "k", "v" + i));
                }
                producer.commitTransaction();
            }
            try (KafkaConsumer<String, String> consumer = Clients.readCommittedConsumer(kafka, "resumer")) {
                consumer.assign(List.of(partition));
                assertEquals(5, Clients.pollAtLeast(consumer, 5, WAIT).size());
                consumer.commitSync(Map.of(partition, new OffsetAndMetadata(3)));
            }
        }

        try (EmbeddedKafka kafka = EmbeddedKafka.start(data);
             Admin admin = Clients.admin(kafka)) {
            System.err.println("embedded Kafka restart: " + kafka.startupTime().toMillis() + " ms");
            assertEquals(clusterId, kafka.clusterId());
            assertEquals(clusterId, admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS));

            TopicSyncReport report = topics.ensureTopics(admin);
            assertEquals(List.of(), report.created());
            assertEquals(topics.all().size(), report.alreadyPresent().size());

            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("resumer")
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            assertEquals(3, committed.get(partition).offset());
            // The same transactional id carries on: the transaction state survived the restart.
            try (KafkaProducer<String, String> producer = Clients.transactionalProducer(kafka, "tx-restart")) {
                producer.initTransactions();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>(topic, 0, "k", "v5"));
                producer.commitTransaction();
            }
            try (KafkaConsumer<String, String> consumer = Clients.readCommittedConsumer(kafka, "resumer")) {
                consumer.assign(List.of(partition));
                List<String> values = Clients.pollAtLeast(consumer, 3, WAIT).stream().map(ConsumerRecord::value).toList();
                assertEquals(List.of("v3", "v4", "v5"), values);
            }
        }
    }

    @Test
    void twoBrokersOnSeparateDirectoriesRunAtOnce() throws Exception {
        try (EmbeddedKafka first = EmbeddedKafka.start(dir.resolve("one"));
             EmbeddedKafka second = EmbeddedKafka.start(dir.resolve("two"));
             Admin firstAdmin = Clients.admin(first);
             Admin secondAdmin = Clients.admin(second)) {
            assertNotEquals(first.bootstrapServers(), second.bootstrapServers());
            assertNotEquals(first.clusterId(), second.clusterId());
            TopicDefinitions.load("one").ensureTopics(firstAdmin);
            TopicDefinitions.load("two").ensureTopics(secondAdmin);
            Set<String> firstTopics = firstAdmin.listTopics().names().get(30, TimeUnit.SECONDS);
            Set<String> secondTopics = secondAdmin.listTopics().names().get(30, TimeUnit.SECONDS);
            assertTrue(firstTopics.contains("one.texts") && !firstTopics.contains("two.texts"), firstTopics.toString());
            assertTrue(secondTopics.contains("two.texts") && !secondTopics.contains("one.texts"), secondTopics.toString());
        }
    }

    @Test
    void closeIsIdempotentAndReleasesThePort() throws Exception {
        EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"));
        int port = Integer.parseInt(kafka.bootstrapServers().substring(kafka.bootstrapServers().lastIndexOf(':') + 1));
        kafka.close();
        assertDoesNotThrow(kafka::close);
        // Closed means stopped: the listener is gone, so the port can be bound again.
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
            assertEquals(port, socket.getLocalPort());
        }
    }

    @Test
    void startsOnAGivenPort() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = probe.getLocalPort();
        }
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), port, Duration.ofSeconds(60))) {
            assertEquals("127.0.0.1:" + port, kafka.bootstrapServers());
        }
    }
}
