package dev.semstream.query;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.semstream.avro.Embedding;
import dev.semstream.store.PlaneProjection;
import dev.semstream.topology.DeadLetters;
import dev.semstream.topology.EmbeddingRecords;
import dev.semstream.topology.RejectedInput;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The feed's events made from records, without Kafka: the map placement and a dead letter's headers. */
class FeedRecordsTest {
    private static final PlaneProjection AXES = new PlaneProjection("m@1", new float[]{1, 0, 0},
            new float[]{1, 0, 0}, new float[]{0, 1, 0});

    private static Embedding embedding(String modelId, String text, Instant eventTime) {
        return Embedding.newBuilder().setId("t-1").setModelId(modelId)
                .setVector(EmbeddingRecords.vectorField(new float[]{3, 5, 7})).setDimensions(3).setTokenCount(4)
                .setTruncated(false).setText(text).setMetadata(Map.of("group", "g")).setEventTime(eventTime)
                .setEmbeddedAt(Instant.ofEpochMilli(1_000_250)).build();
    }

    private static <V> ConsumerRecord<byte[], V> record(byte[] key, V value) {
        return new ConsumerRecord<>("topic", 2, 41, 999, TimestampType.CREATE_TIME, 0, 0, key, value,
                new org.apache.kafka.common.header.internals.RecordHeaders(), Optional.empty());
    }

    @Test
    void anEmbeddingIsPlacedWithTheMapsAxesWhenTheyAreForItsModel() {
        MapBasis basis = new MapBasis("b-7", AXES, 10, 0);
        ObjectNode e = FeedRecords.embedding(record(null, null), embedding("m@1", "hello", Instant.ofEpochMilli(1_000_000)),
                Optional.of(basis), 2_000_000);
        assertEquals("b-7", e.get("map").get("basis").asText());
        assertEquals(2.0, e.get("map").get("x").asDouble(), 1e-6, "(3 - 1) along x");
        assertEquals(5.0, e.get("map").get("y").asDouble(), 1e-6);
        assertEquals(250, e.get("latencyMs").asLong());
        assertEquals(2, e.get("partition").asInt());
        assertEquals(41, e.get("offset").asLong());

        ObjectNode other = FeedRecords.embedding(record(null, null), embedding("other@2", "hello", null),
                Optional.of(basis), 2_000_000);
        assertTrue(other.get("map").isNull(), "axes of another model place nothing");
        assertTrue(other.get("eventTime").isNull() && other.get("latencyMs").isNull(), other.toString());
    }

    @Test
    void aLongTextIsCutTo300CharactersNeverInsideASurrogatePair() {
        String text = "a".repeat(299) + "\uD83D\uDE00" + "tail";
        ObjectNode e = FeedRecords.embedding(record(null, null), embedding("m@1", text, null), Optional.empty(), 0);
        assertEquals("a".repeat(299), e.get("text").asText());
        assertEquals(text.length(), e.get("textLength").asInt());
    }

    @Test
    void aTruncatedDeadLetterReportsItsOriginalSize() {
        byte[] value = new byte[2 << 20];
        DeadLetters.DeadLetter letter = DeadLetters.of(new RejectedInput(RejectedInput.Reason.RECORD_TOO_LARGE, "big"),
                "semstream.texts", 3, 17, "id-9".getBytes(StandardCharsets.UTF_8), value);
        ConsumerRecord<byte[], byte[]> r = new ConsumerRecord<>("semstream.dlq", 0, 5, 123, TimestampType.CREATE_TIME,
                0, 0, letter.key(), letter.value(), letter.headers(), Optional.empty());
        ObjectNode d = FeedRecords.deadLetter(r, 456);
        assertEquals("RECORD_TOO_LARGE", d.get("reason").asText());
        assertEquals("big", d.get("message").asText());
        assertEquals("semstream.texts", d.get("sourceTopic").asText());
        assertEquals(3, d.get("sourcePartition").asInt());
        assertEquals(17, d.get("sourceOffset").asLong());
        assertEquals("id-9", d.get("key").asText());
        assertEquals(value.length, d.get("valueBytes").asLong(), "the original's size, not the kept prefix's");
        assertEquals(123, d.get("timestamp").asLong());
        assertEquals(456, d.get("seenAt").asLong());
    }
}
