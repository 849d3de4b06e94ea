package dev.semstream.topology;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.semstream.avro.TextEvent;
import dev.semstream.registry.StrictUtf8;
import dev.semstream.topology.RejectedInput.Reason;
import org.apache.kafka.common.serialization.Deserializer;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Turns an input record's bytes into a valid {@link TextEvent}, or says precisely why it can't. Runs
 * inside the processor rather than as the source's deserializer, so a bad record becomes a dead letter
 * with its context instead of a failed stream thread.
 */
final class TextEventDecoder {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final InputFormat format;
    private final Deserializer<TextEvent> avro;
    private final int maxTextBytes;

    TextEventDecoder(InputFormat format, Deserializer<TextEvent> avro, int maxTextBytes) {
        if (format == InputFormat.AVRO && avro == null) {
            throw new IllegalArgumentException("Avro input needs a TextEvent deserializer");
        }
        this.format = format;
        this.avro = avro;
        this.maxTextBytes = maxTextBytes;
    }

    /** Decodes and validates a non-null value; a null value is a tombstone in every format ({@link #tombstoneId}). */
    TextEvent decode(String topic, byte[] key, byte[] value) {
        TextEvent event = switch (format) {
            case AVRO -> avro(topic, value);
            case TEXT -> text(key, value);
            case JSON -> json(key, value);
        };
        if (event.getId() == null || event.getId().isBlank()) {
            throw new RejectedInput(Reason.MISSING_ID, "the event has no id");
        }
        String text = event.getText();
        if (text == null || text.isBlank()) {
            throw new RejectedInput(Reason.BLANK_TEXT, "the text of '" + event.getId() + "' is empty or blank");
        }
        // A UTF-8 byte is at most one char, so only long strings need the exact count.
        if (text.length() > maxTextBytes / 3 && utf8Length(text) > maxTextBytes) {
            throw new RejectedInput(Reason.TEXT_TOO_LARGE, "the text of '" + event.getId() + "' has "
                    + utf8Length(text) + " UTF-8 bytes, more than the limit of " + maxTextBytes);
        }
        return event;
    }

    /** The id of a tombstone: the record key. */
    static String tombstoneId(byte[] key) {
        if (key == null) {
            throw new RejectedInput(Reason.MISSING_ID, "a tombstone (null value) needs the id as its key");
        }
        return strictUtf8(key, "key");
    }

    private TextEvent avro(String topic, byte[] value) {
        return AvroInput.decode(avro, topic, value, "TextEvent");
    }


    private static TextEvent text(byte[] key, byte[] value) {
        if (key == null) {
            throw new RejectedInput(Reason.MISSING_ID, "plain-text input needs the id as the record key");
        }
        return TextEvent.newBuilder().setId(strictUtf8(key, "key")).setText(strictUtf8(value, "value"))
                .setMetadata(new HashMap<>()).setEventTime(null).build();
    }

    private static TextEvent json(byte[] key, byte[] value) {
        String doc = strictUtf8(value, "value");
        JsonNode node;
        try {
            node = JSON.readTree(doc);
        } catch (JsonProcessingException e) {
            throw new RejectedInput(Reason.UNDECODABLE, "the value is not JSON: " + e.getOriginalMessage(), e);
        }
        if (node == null || !node.isObject()) {
            throw new RejectedInput(Reason.UNDECODABLE, "the value is JSON but not an object");
        }
        JsonNode id = node.get("id");
        String idText = id != null && id.isTextual() ? id.asText() : key != null ? strictUtf8(key, "key") : null;
        JsonNode text = node.get("text");
        if (text != null && !text.isTextual() && !text.isNull()) {
            throw new RejectedInput(Reason.UNDECODABLE, "\"text\" must be a string");
        }
        Map<String, String> metadata = new HashMap<>();
        JsonNode meta = node.get("metadata");
        if (meta != null && !meta.isNull()) {
            if (!meta.isObject()) {
                throw new RejectedInput(Reason.UNDECODABLE, "\"metadata\" must be an object of strings");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = meta.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                metadata.put(e.getKey(), e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString());
            }
        }
        JsonNode time = node.get("eventTime");
        if (time != null && !time.isNull() && !time.canConvertToLong()) {
            throw new RejectedInput(Reason.UNDECODABLE, "\"eventTime\" must be epoch milliseconds");
        }
        return TextEvent.newBuilder().setId(idText).setText(text == null || text.isNull() ? null : text.asText())
                .setMetadata(metadata).setEventTime(time == null || time.isNull() ? null : Instant.ofEpochMilli(time.asLong())).build();
    }

    private static String strictUtf8(byte[] bytes, String what) {
        try {
            return StrictUtf8.decode(bytes, 0, bytes.length);
        } catch (CharacterCodingException e) {
            throw new RejectedInput(Reason.INVALID_UTF8, "the record " + what + " is not valid UTF-8", e);
        }
    }

    private static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

}
