package dev.semstream.reliability;

import dev.semstream.embedded.CommittedRecords;

import dev.semstream.app.Pipeline;
import dev.semstream.avro.TextEvent;
import dev.semstream.embedded.Eventually;
import dev.semstream.reference.TextCorpus;
import dev.semstream.registry.AvroSerializer;
import dev.semstream.topology.DeadLetters;
import dev.semstream.topology.RecordLimits;
import dev.semstream.topology.RejectedInput.Reason;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 11's bad-record mix on the embedded default: good TextEvents with every kind of bad record interleaved
 * (random bytes, an unknown schema id, truncated Avro, invalid UTF-8 in the text, a value just under the topic's
 * 1 MiB limit, a tombstone without a key), and a valid event without a key, which is good: it is re-keyed by
 * its id. Every good id must be embedded exactly once, every bad record dead-lettered exactly once with its reason
 * and its own source offset, and the stream must still run.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BadRecordMixTest {
    static final int GOOD_KEYED = 300;
    static final int GOOD_WITHOUT_KEY = 5;
    static final Duration DEADLINE = Duration.ofMinutes(4);

    @TempDir
    Path dir;

    /** One record to produce: a good one names the id it must be embedded as, a bad one its dead letter's reason. */
    record Input(String key, byte[] value, String goodId, Reason reason) {
        static Input good(String key, byte[] value, String id) {
            return new Input(key, value, id, null);
        }

        static Input bad(String key, byte[] value, Reason reason) {
            return new Input(key, value, null, reason);
        }
    }

    @Test
    void everyGoodTextIsEmbeddedOnceAndEveryBadRecordDeadLetteredOnceWithItsReason() throws Exception {
        try (Pipeline app = EmbeddedDefault.start(dir);
             Admin admin = EmbeddedDefault.admin(app);
             CommittedRecords embeddings = new CommittedRecords(app.endpoints().bootstrapServers(),
                     app.topics().name("embeddings"));
             CommittedRecords deadLetters = new CommittedRecords(app.endpoints().bootstrapServers(),
                     app.topics().name("dlq"))) {
            String texts = app.topics().name("texts");
            List<Input> inputs = mix(texts, EmbeddedDefault.registryProps(app));

            long start = System.nanoTime();
            Set<String> goodIds = new HashSet<>();
            Map<String, Reason> expectedDead = new HashMap<>(); // "partition:offset" of each bad record
            try (KafkaProducer<String, byte[]> producer = EmbeddedDefault.producer(app)) {
                List<Future<RecordMetadata>> sent = new ArrayList<>();
                for (Input in : inputs) {
                    sent.add(producer.send(new ProducerRecord<>(texts, in.key(), in.value())));
                }
                producer.flush();
                for (int i = 0; i < inputs.size(); i++) {
                    RecordMetadata at = sent.get(i).get();
                    Input in = inputs.get(i);
                    if (in.goodId() != null) {
                        goodIds.add(in.goodId());
                    } else {
                        expectedDead.put(at.partition() + ":" + at.offset(), in.reason());
                    }
                }
            }
            int bad = expectedDead.size();

            Map<String, Integer> embeddedCounts = new HashMap<>();
            Map<String, List<String>> deadByOffset = new HashMap<>();
            try {
                Eventually.await(DEADLINE, "every good id embedded and every bad record dead-lettered", () -> {
                    assertNull(app.failure(), "no stream thread died");
                    embeddings.poll();
                    deadLetters.poll();
                    return embeddings.keyCounts().keySet().containsAll(goodIds)
                            && deadLetters.poll().size() >= bad
                            && EmbeddedDefault.consumedAll(admin, texts);
                });
            } finally {
                embeddedCounts.putAll(embeddings.keyCounts());
                for (ConsumerRecord<byte[], byte[]> d : deadLetters.poll()) {
                    deadByOffset.computeIfAbsent(header(d, DeadLetters.SOURCE_PARTITION) + ":"
                            + header(d, DeadLetters.SOURCE_OFFSET), k -> new ArrayList<>()).add(header(d, DeadLetters.ERROR));
                }
                summary(goodIds, embeddedCounts, expectedDead, deadByOffset, start);
            }

            Set<String> unexpected = new HashSet<>(embeddedCounts.keySet());
            unexpected.removeAll(goodIds);
            assertEquals(Set.of(), unexpected, "embedded though not good");
            goodIds.forEach(id -> assertEquals(1, embeddedCounts.get(id), id + " embedded once"));
            Map<String, List<String>> expected = new HashMap<>();
            expectedDead.forEach((at, reason) -> expected.put(at, List.of(reason.name())));
            assertEquals(expected, deadByOffset, "one dead letter per bad record, with its reason, by source offset");
            for (ConsumerRecord<byte[], byte[]> d : deadLetters.poll()) {
                assertEquals(texts, header(d, DeadLetters.SOURCE_TOPIC));
                boolean huge = Reason.RECORD_TOO_LARGE.name().equals(header(d, DeadLetters.ERROR));
                assertEquals(huge ? "true" : null, header(d, DeadLetters.TRUNCATED), "only the huge one is truncated");
            }
            assertNull(app.failure(), "no stream thread died");
            app.awaitRunning(Duration.ofSeconds(30));
        }
    }

    /** The good records with the bad ones put among them at places a fixed seed picks. */
    static List<Input> mix(String topic, Map<String, Object> registryProps) {
        Random random = new Random(11);
        List<String> corpus = TextCorpus.texts(11L, GOOD_KEYED + GOOD_WITHOUT_KEY, 20);
        List<Input> inputs = new ArrayList<>();
        try (AvroSerializer<TextEvent> avro = new AvroSerializer<>()) {
            avro.configure(registryProps, false);
            for (int i = 0; i < GOOD_KEYED; i++) {
                String id = String.format("g-%03d", i);
                inputs.add(Input.good(id, avro.serialize(topic, event(id, corpus.get(i))), id));
            }
            for (int i = 0; i < GOOD_WITHOUT_KEY; i++) {
                String id = "no-key-" + i;
                Input good = Input.good(null, avro.serialize(topic, event(id, corpus.get(GOOD_KEYED + i))), id);
                inputs.add(random.nextInt(inputs.size() + 1), good);
            }
            for (Input bad : badRecords(topic, avro, random)) {
                inputs.add(random.nextInt(inputs.size() + 1), bad);
            }
        }
        return inputs;
    }

    static List<Input> badRecords(String topic, AvroSerializer<TextEvent> avro, Random random) {
        List<Input> bad = new ArrayList<>();
        for (int length : new int[]{1, 37, 500}) {
            byte[] junk = new byte[length];
            random.nextBytes(junk);
            junk[0] = (byte) (1 + random.nextInt(255)); // not the magic byte 0, which would make it an id lookup
            bad.add(Input.bad("random-" + length, junk, Reason.UNDECODABLE));
        }
        // Magic byte 0 and ids far above any the registry has given (Apicurio's content ids count from 1).
        for (int i = 0; i < 2; i++) {
            bad.add(Input.bad("unknown-id-" + i, new byte[]{0, 0x7f, 0x7f, 0x7f, (byte) (0x70 + i), 2, 'a', 2, 'b'},
                    Reason.UNKNOWN_SCHEMA));
        }
        byte[] whole = avro.serialize(topic, event("truncated", "A good text that loses its end on the way."));
        for (int length : new int[]{whole.length - 1, whole.length / 2, 3}) {
            bad.add(Input.bad("truncated-" + length, Arrays.copyOf(whole, length), Reason.UNDECODABLE));
        }
        for (int i = 0; i < 2; i++) {
            bad.add(Input.bad("utf8-" + i, invalidUtf8Text(topic, avro, "utf8-" + i), Reason.INVALID_UTF8));
        }
        // Just under the topic's max.message.bytes, so the broker takes it; over what the embedder carries, so its
        // dead letter (value and headers) would not fit a record whole and goes out truncated.
        byte[] huge = new byte[RecordLimits.MAX_RECORD_BYTES - 1024];
        Arrays.fill(huge, (byte) 'h');
        bad.add(Input.bad("huge", huge, Reason.RECORD_TOO_LARGE));
        for (int i = 0; i < 2; i++) {
            bad.add(Input.bad(null, null, Reason.MISSING_ID)); // a tombstone of no id
        }
        return bad;
    }

    /** A TextEvent whose text's bytes on the wire start with ff fe, which no UTF-8 string does. */
    static byte[] invalidUtf8Text(String topic, AvroSerializer<TextEvent> avro, String id) {
        byte[] marker = "@@REPLACED@@".getBytes(StandardCharsets.UTF_8);
        byte[] bytes = avro.serialize(topic, event(id, new String(marker, StandardCharsets.UTF_8)));
        for (int i = 0; i + marker.length <= bytes.length; i++) {
            if (Arrays.equals(bytes, i, i + marker.length, marker, 0, marker.length)) {
                bytes[i] = (byte) 0xff;
                bytes[i + 1] = (byte) 0xfe;
                return bytes;
            }
        }
        throw new AssertionError("the text's bytes are not in the record");
    }

    static TextEvent event(String id, String text) {
        return TextEvent.newBuilder().setId(id).setText(text).setMetadata(Map.of()).setEventTime(Instant.now()).build();
    }

    static void summary(Set<String> goodIds, Map<String, Integer> embedded, Map<String, Reason> expectedDead,
                        Map<String, List<String>> dead, long start) {
        long once = goodIds.stream().filter(id -> embedded.getOrDefault(id, 0) == 1).count();
        long embeddedGood = goodIds.stream().filter(embedded::containsKey).count();
        long lost = goodIds.size() - embeddedGood + expectedDead.keySet().stream().filter(k -> !dead.containsKey(k)).count();
        long duplicated = embedded.values().stream().mapToLong(n -> n - 1).sum()
                + dead.values().stream().mapToLong(d -> d.size() - 1).sum();
        Map<String, Integer> byReason = new TreeMap<>();
        dead.values().forEach(d -> d.forEach(r -> byReason.merge(r, 1, Integer::sum)));
        System.out.printf("bad-record mix: sent %d good + %d bad; embedded %d (%s), dead-lettered %d by reason %s; "
                        + "lost %d, duplicated %d; took %.1f s%n", goodIds.size(), expectedDead.size(), embeddedGood,
                once == embeddedGood ? "each once" : (embeddedGood - once) + " more than once",
                dead.values().stream().mapToInt(List::size).sum(), byReason, lost, duplicated,
                (System.nanoTime() - start) / 1e9);
    }

    static String header(ConsumerRecord<?, ?> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
