package dev.semstream.topology;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;

/**
 * The headers of a dead letter: the original key and value go out unchanged, and these say why and from
 * where, so nothing is lost and the record can be replayed once fixed.
 */
public final class DeadLetters {
    public static final String ERROR = "semstream.error";
    public static final String MESSAGE = "semstream.error.message";
    public static final String SOURCE_TOPIC = "semstream.source.topic";
    public static final String SOURCE_PARTITION = "semstream.source.partition";
    public static final String SOURCE_OFFSET = "semstream.source.offset";

    private DeadLetters() {
    }

    static Headers headers(RejectedInput rejection, String topic, int partition, long offset) {
        RecordHeaders h = new RecordHeaders();
        h.add(ERROR, utf8(rejection.reason().name()));
        h.add(MESSAGE, utf8(rejection.getMessage()));
        h.add(SOURCE_TOPIC, utf8(topic));
        h.add(SOURCE_PARTITION, utf8(Integer.toString(partition)));
        h.add(SOURCE_OFFSET, utf8(Long.toString(offset)));
        return h;
    }

    private static byte[] utf8(String s) {
        return (s == null ? "" : s).getBytes(StandardCharsets.UTF_8);
    }
}
