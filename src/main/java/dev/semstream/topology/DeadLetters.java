package dev.semstream.topology;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Record;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Dead letters: the original key and value go out unchanged, with headers that say why and from where, so
 * nothing is lost and the record can be replayed once fixed. A dead letter that would not fit a record
 * ({@link RecordLimits#MAX_RECORD_BYTES}) goes out truncated instead, and says so: writing it whole would
 * fail, and a dead letter that cannot be written would stop the pipeline on every restart.
 */
public final class DeadLetters {
    public static final String ERROR = "semstream.error";
    public static final String MESSAGE = "semstream.error.message";
    public static final String SOURCE_TOPIC = "semstream.source.topic";
    public static final String SOURCE_PARTITION = "semstream.source.partition";
    public static final String SOURCE_OFFSET = "semstream.source.offset";
    /** {@code true} when the key or value is a prefix of the original. */
    public static final String TRUNCATED = "semstream.truncated";
    /** Why it was truncated. */
    public static final String TRUNCATED_REASON = "semstream.truncated.reason";
    /** The original key's and value's sizes in bytes, on a truncated dead letter. */
    public static final String ORIGINAL_KEY_BYTES = "semstream.original.key.bytes";
    public static final String ORIGINAL_VALUE_BYTES = "semstream.original.value.bytes";

    /** Longest error message carried: exception chains can be long, and the message is for people. */
    static final int MAX_MESSAGE_CHARS = 2000;
    /** Kafka's per-record and per-batch overhead, with room to spare (61 + 12 bytes and a few varints). */
    private static final int RECORD_OVERHEAD_BYTES = 1024;

    /** A dead letter as it is written. */
    public record DeadLetter(byte[] key, byte[] value, Headers headers) {
    }

    private DeadLetters() {
    }

    /** The dead letter of an input record, truncated if it would not fit a record whole. */
    public static DeadLetter of(RejectedInput rejection, String topic, int partition, long offset, byte[] key,
                                byte[] value) {
        RecordHeaders h = new RecordHeaders();
        h.add(ERROR, utf8(rejection.reason().name()));
        h.add(MESSAGE, utf8(shortened(rejection.getMessage())));
        h.add(SOURCE_TOPIC, utf8(topic));
        h.add(SOURCE_PARTITION, utf8(Integer.toString(partition)));
        h.add(SOURCE_OFFSET, utf8(Long.toString(offset)));
        int keyBytes = key == null ? 0 : key.length;
        int valueBytes = value == null ? 0 : value.length;
        long size = (long) keyBytes + valueBytes + headerBytes(h) + RECORD_OVERHEAD_BYTES;
        if (size <= RecordLimits.MAX_RECORD_BYTES) {
            return new DeadLetter(key, value, h);
        }
        h.add(TRUNCATED, utf8("true"));
        h.add(TRUNCATED_REASON, utf8("the dead letter would be " + size + " bytes, over the record limit of "
                + RecordLimits.MAX_RECORD_BYTES));
        h.add(ORIGINAL_KEY_BYTES, utf8(Integer.toString(keyBytes)));
        h.add(ORIGINAL_VALUE_BYTES, utf8(Integer.toString(valueBytes)));
        int room = RecordLimits.MAX_RECORD_BYTES - RECORD_OVERHEAD_BYTES - headerBytes(h);
        // The key is the id, which matters most for a replay: kept whole unless it alone takes half the room.
        byte[] shortKey = key == null || key.length <= room / 2 ? key : Arrays.copyOf(key, room / 2);
        int valueRoom = room - (shortKey == null ? 0 : shortKey.length);
        byte[] shortValue = value == null || value.length <= valueRoom ? value : Arrays.copyOf(value, valueRoom);
        return new DeadLetter(shortKey, shortValue, h);
    }

    /** The dead letter of an input record as a processor forwards it to the dead-letter sink. */
    static Record<Object, Object> record(
            RejectedInput rejection, String topic, int partition, long offset, byte[] key, byte[] value,
            long timestamp) {
        DeadLetter d = of(rejection, topic, partition, offset, key, value);
        return new Record<>(d.key(), d.value(), timestamp, d.headers());
    }

    private static String shortened(String message) {
        String m = message == null ? "" : message;
        return m.length() <= MAX_MESSAGE_CHARS ? m : m.substring(0, MAX_MESSAGE_CHARS) + "...";
    }

    private static int headerBytes(Headers headers) {
        int n = 0;
        for (Header h : headers) {
            // The name's UTF-8 bytes (ASCII here), the value, and two varint lengths of at most 5 bytes each.
            n += h.key().length() + h.value().length + 10;
        }
        return n;
    }

    private static byte[] utf8(String s) {
        return (s == null ? "" : s).getBytes(StandardCharsets.UTF_8);
    }
}
