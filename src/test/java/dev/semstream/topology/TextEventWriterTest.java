package dev.semstream.topology;

import dev.semstream.avro.TextEvent;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the writer puts on the input topic reads back through the decoder the pipeline runs, format by
 * format. Avro here is plain binary (no registry); the registry's wire format is the integration tests' part.
 */
class TextEventWriterTest {
    static final String TOPIC = "semstream.texts";
    static final AvroBinarySerde<TextEvent> AVRO = new AvroBinarySerde<>(TextEvent.class);

    static TextEventWriter writer(InputFormat format) {
        return new TextEventWriter(TOPIC, format, format == InputFormat.AVRO ? AVRO.serializer() : null, () -> {
            throw new AssertionError("these tests only encode; nothing is sent");
        });
    }

    static TextEventDecoder decoder(InputFormat format) {
        return new TextEventDecoder(format, format == InputFormat.AVRO ? AVRO.deserializer() : null, 64 * 1024);
    }

    static TextEvent event(Map<String, String> metadata) {
        return TextEvent.newBuilder().setId("doc-1").setText("Tokens become vectors, ünïcödé included.")
                .setMetadata(metadata).setEventTime(Instant.ofEpochMilli(1_700_000_000_123L)).build();
    }

    static TextEvent decoded(InputFormat format, ProducerRecord<String, byte[]> record) {
        return decoder(format).decode(TOPIC, record.key().getBytes(StandardCharsets.UTF_8), record.value());
    }

    @ParameterizedTest
    @EnumSource(value = InputFormat.class, names = {"AVRO", "JSON"})
    void avroAndJsonCarryTheWholeEvent(InputFormat format) {
        TextEvent event = event(Map.of("lang", "en", "source", "api"));
        ProducerRecord<String, byte[]> record = writer(format).record(event);
        assertEquals(TOPIC, record.topic());
        assertEquals("doc-1", record.key(), "the record key is the id");
        assertEquals(event, decoded(format, record));
        assertEquals(1_700_000_000_123L, record.timestamp(), "the record's time is the event's");
    }

    @Test
    void plainTextCarriesTheIdAsKeyTheTextAsValueAndTheEventTimeAsTheRecordsTimestamp() {
        ProducerRecord<String, byte[]> record = writer(InputFormat.TEXT).record(event(Map.of()));
        assertEquals("doc-1", record.key());
        assertEquals("Tokens become vectors, ünïcödé included.", new String(record.value(), StandardCharsets.UTF_8));
        assertEquals(1_700_000_000_123L, record.timestamp(), "what the embedder takes as the event time");
        TextEvent back = decoded(InputFormat.TEXT, record);
        assertEquals("doc-1", back.getId());
        assertEquals(event(Map.of()).getText(), back.getText());
        assertNull(back.getEventTime(), "plain text has no room for it: the record timestamp stands in");
    }

    @Test
    void jsonWithoutAnEventTimeLeavesItOutAndTheRecordTimestampToTheProducer() {
        TextEvent untimed = TextEvent.newBuilder(event(Map.of())).setEventTime(null).build();
        ProducerRecord<String, byte[]> record = writer(InputFormat.JSON).record(untimed);
        assertNull(record.timestamp());
        assertFalse(new String(record.value(), StandardCharsets.UTF_8).contains("eventTime"));
        assertEquals(untimed, decoded(InputFormat.JSON, record));
    }

    @Test
    void plainTextRefusesMetadataItWouldLoseAndNamesTheEventAndTheKeys() {
        var refused = assertThrows(UnwritableEventException.class,
                () -> writer(InputFormat.TEXT).record(event(Map.of("source", "api", "lang", "en"))));
        assertTrue(refused.getMessage().contains("'doc-1'") && refused.getMessage().contains("[lang, source]"),
                refused.getMessage());
    }

    @ParameterizedTest
    @EnumSource(InputFormat.class)
    void aDeleteIsANullValueKeyedByTheIdInEveryFormat(InputFormat format) {
        ProducerRecord<String, byte[]> tombstone = writer(format).tombstone("doc-1");
        assertEquals("doc-1", tombstone.key());
        assertNull(tombstone.value());
        assertEquals("doc-1", TextEventDecoder.tombstoneId(tombstone.key().getBytes(StandardCharsets.UTF_8)));
    }
}
