package dev.semstream.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.semstream.topology.TopicDefinitions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Kafka Streams with exactly_once_v2 runs end to end on the single-node embedded broker. */
// SEPARATE_THREAD: Kafka waits uninterruptibly in places; a hung test must still fail, not hang the build.
@Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class StreamsExactlyOnceTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path kafkaDir;

    @TempDir
    Path stateDir;

    @Test
    void uppercaseAppWithExactlyOnceV2() throws Exception {
        TopicDefinitions topics = TopicDefinitions.load();
        String input = topics.name("texts");
        String output = topics.name("completions");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(kafkaDir);
             Admin admin = Clients.admin(kafka)) {
            topics.ensureTopics(admin);

            StreamsBuilder builder = new StreamsBuilder();
            builder.stream(input, Consumed.with(Serdes.String(), Serdes.String()))
                    .mapValues(value -> value.toUpperCase(java.util.Locale.ROOT))
                    .to(output, Produced.with(Serdes.String(), Serdes.String()));
            Properties props = new Properties();
            props.put(StreamsConfig.APPLICATION_ID_CONFIG, "uppercase-eos");
            props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
            props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
            props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100");
            props.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");

            try (KafkaStreams streams = new KafkaStreams(builder.build(), props)) {
                streams.start();
                Eventually.await(WAIT, "streams RUNNING (state " + streams.state() + ")",
                        () -> streams.state() == KafkaStreams.State.RUNNING);

                Map<String, String> sent = new HashMap<>();
                try (KafkaProducer<String, String> producer = Clients.producer(kafka)) {
                    for (int i = 0; i < 20; i++) {
                        sent.put("id-" + i, "text number " + i);
                        producer.send(new ProducerRecord<>(input, "id-" + i, "text number " + i));
                    }
                }
                try (KafkaConsumer<String, String> consumer = Clients.readCommittedConsumer(kafka, "uppercase-check")) {
                    consumer.subscribe(List.of(output));
                    List<ConsumerRecord<String, String>> records = Clients.pollAtLeast(consumer, sent.size(), WAIT);
                    Map<String, String> received = new HashMap<>();
                    records.forEach(r -> received.put(r.key(), r.value()));
                    assertEquals(sent.size(), records.size(), "each record exactly once");
                    sent.forEach((key, value) -> assertEquals(value.toUpperCase(java.util.Locale.ROOT), received.get(key)));
                }
                streams.close(Duration.ofSeconds(30));
            }
        }
    }
}
