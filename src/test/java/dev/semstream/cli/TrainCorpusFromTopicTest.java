package dev.semstream.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.semstream.avro.TextEvent;
import dev.semstream.model.load.HfGpt2Checkpoint;
import dev.semstream.train.StepReport;
import dev.semstream.train.TrainingListener;
import dev.semstream.embedded.EmbeddedKafka;
import dev.semstream.embedded.EmbeddedSchemaRegistry;
import dev.semstream.registry.AvroSerde;
import dev.semstream.registry.AvroSerializer;
import dev.semstream.topology.InputFormat;
import dev.semstream.topology.TextEventWriter;
import dev.semstream.topology.TextEventWriters;
import dev.semstream.topology.TopicDefinitions;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * `train --from-topic`'s corpus on a real broker and registry, in each input format: what is committed before the
 * snapshot is read (the latest text per id, deleted ids gone), what a transaction aborted or still open, what
 * comes after the snapshot and what the embedder would dead-letter are not; reading again up to the stored end
 * offsets gives the same documents even after more texts arrived.
 */
class TrainCorpusFromTopicTest {
    @TempDir
    static Path dir;
    static EmbeddedKafka kafka;
    static EmbeddedSchemaRegistry registry;
    static final String TRAIN_PREFIX = "train-from-topic";

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.start(dir.resolve("kafka"));
        registry = EmbeddedSchemaRegistry.start(dir.resolve("registry"), Duration.ofMinutes(2));
        try (Admin admin = Admin.create(kafka.adminConfig())) {
            for (InputFormat f : InputFormat.values()) {
                TopicDefinitions.load(prefix(f)).ensureTopics(admin);
            }
            TopicDefinitions.load(TRAIN_PREFIX).ensureTopics(admin);
        }
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    static String prefix(InputFormat f) {
        return "corpus-" + f.name().toLowerCase(Locale.ROOT);
    }

    static Map<String, Object> clientProps() {
        return new HashMap<>(Map.of("bootstrap.servers", kafka.bootstrapServers(), "schema.registry.url",
                registry.url()));
    }

    static KafkaProducer<String, byte[]> transactional(String id) {
        Map<String, Object> props = clientProps();
        props.remove("schema.registry.url");
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, id);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    static TextEvent event(String id, String text) {
        return TextEvent.newBuilder().setId(id).setText(text).setMetadata(new HashMap<>()).setEventTime(null).build();
    }

    @ParameterizedTest
    @EnumSource(InputFormat.class)
    void theCommittedTextsAtTheSnapshotLatestPerIdAndNothingElse(InputFormat format) throws Exception {
        String topic = TopicDefinitions.load(prefix(format)).name("texts");
        AvroSerializer<TextEvent> avro = null;
        if (format == InputFormat.AVRO) {
            avro = new AvroSerializer<>();
            avro.configure(clientProps(), false);
        }
        KafkaProducer<String, byte[]> producer = transactional("corpus-" + format);
        KafkaProducer<String, byte[]> open = transactional("corpus-open-" + format);
        try (TextEventWriter writer = TextEventWriters.over(producer, topic, format, avro);
             TextEventWriter openWriter = TextEventWriters.over(open, topic, format, avro)) {
            producer.initTransactions();
            producer.beginTransaction();
            writer.send(event("genesis", "In the beginning God created the heaven and the earth."));
            writer.send(event("exodus", "Now these are the names."));
            writer.send(event("gone", "This one is deleted."));
            producer.commitTransaction();

            producer.beginTransaction();
            writer.send(event("aborted", "Never committed."));
            writer.send(event("genesis", "Aborted rewrite of genesis."));
            producer.abortTransaction();

            producer.beginTransaction();
            writer.send(event("exodus", "Now these are the names of the children of Israel."));
            writer.delete("gone");
            // Records the embedder dead-letters in every format: a blank text, bytes that are not UTF-8.
            writer.send(event("blank", "   "));
            producer.send(new ProducerRecord<>(topic, "junk", new byte[]{(byte) 0xff, (byte) 0xfe, 42})).get();
            producer.commitTransaction();

            // Still open when the snapshot is taken: beyond the last stable offset, so never read.
            open.initTransactions();
            open.beginTransaction();
            openWriter.send(event("pending", "Open while the snapshot is read."));
            openWriter.flush();

            TrainCorpus corpus = TrainCorpus.ofTopic(clientProps(), topic, format, deserializer(format), null);
            Set<String> expected = Set.of("In the beginning God created the heaven and the earth.",
                    "Now these are the names of the children of Israel.");
            assertEquals(expected, Set.copyOf(corpus.documents()), corpus.description());
            assertEquals(2, corpus.documents().size());
            assertTrue(corpus.description().contains("2 skipped as the embedder would dead-letter them"),
                    corpus.description());

            open.commitTransaction();
            producer.beginTransaction();
            writer.send(event("later", "Written after the snapshot."));
            producer.commitTransaction();
            TrainCorpus again = TrainCorpus.ofTopic(clientProps(), topic, format, deserializer(format),
                    corpus.source().endOffsets());
            assertEquals(corpus.documents(), again.documents(), "the stored snapshot reads the same");
            TrainCorpus now = TrainCorpus.ofTopic(clientProps(), topic, format, deserializer(format), null);
            assertEquals(4, now.documents().size(), now.description());
        }
    }

    @Test
    void trainReadsThePipelinesInputTopicAndItsResumeReadsTheSameSnapshot() throws Exception {
        String topic = TopicDefinitions.load(TRAIN_PREFIX).name("texts");
        AvroSerializer<TextEvent> avro = new AvroSerializer<>();
        avro.configure(clientProps(), false);
        KafkaProducer<String, byte[]> producer = transactional("train-from-topic");
        try (TextEventWriter writer = TextEventWriters.over(producer, topic, InputFormat.AVRO, avro)) {
            producer.initTransactions();
            producer.beginTransaction();
            String[] sentences = TrainCommandTest.TEXT.split("(?<=\\.) ");
            for (int i = 0; i < sentences.length; i++) {
                writer.send(event("verse-" + i, sentences[i]));
            }
            producer.commitTransaction();
            Path out = dir.resolve("from-topic");
            String[] where = {"--from-topic", "--topic-prefix", TRAIN_PREFIX, "--bootstrap-servers",
                    kafka.bootstrapServers(), "--schema-registry-url", registry.url(), "--out", out.toString()};
            TrainCommandTest.Run stopped = TrainCommandTest.train(stop -> new TrainingListener() {
                @Override
                public void step(StepReport r) {
                    stop.request();
                }
            }, TrainCommandTest.with(TrainCommandTest.with(TrainCommandTest.TINY, where), "--steps", "3"));
            assertEquals(TrainCommand.STOPPED, stopped.exit(), stopped.err());
            assertTrue(stopped.err().contains("topic " + topic + " (AVRO, read committed up to offsets"), stopped.err());
            JsonNode corpus = new ObjectMapper().readTree(out.resolve("train.json").toFile()).get("corpus");
            assertEquals(topic, corpus.get("topic").asText());
            assertTrue(stopped.err().contains(": " + sentences.length + " records, " + sentences.length + " live texts"),
                    stopped.err());
            assertTrue(sum(corpus.get("endOffsets")) > sentences.length, "the texts and the commit markers: " + corpus);

            // More texts arrive; the resumed run still trains on the snapshot it started with.
            producer.beginTransaction();
            writer.send(event("later", "Written after the run started, so not in its corpus."));
            producer.commitTransaction();
            TrainCommandTest.Run resumed = TrainCommandTest.train("--resume", "--out", out.toString(),
                    "--bootstrap-servers", kafka.bootstrapServers(), "--schema-registry-url", registry.url());
            assertEquals(0, resumed.exit(), resumed.err());
            assertTrue(resumed.err().contains(": " + sentences.length + " records, "), resumed.err());
            assertEquals(1, HfGpt2Checkpoint.load(out).config().layers());
        }
    }

    private static long sum(JsonNode offsets) {
        long n = 0;
        for (JsonNode v : offsets) {
            n += v.asLong();
        }
        return n;
    }

    private static Deserializer<TextEvent> deserializer(InputFormat format) {
        if (format != InputFormat.AVRO) {
            return null;
        }
        AvroSerde<TextEvent> serde = new AvroSerde<>(TextEvent.class);
        serde.configure(clientProps(), false);
        return serde.deserializer();
    }
}
