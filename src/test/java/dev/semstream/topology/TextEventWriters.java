package dev.semstream.topology;

import dev.semstream.avro.TextEvent;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.Serializer;

/** A {@link TextEventWriter} over a producer the test holds, e.g. a transactional one it commits or aborts. */
public final class TextEventWriters {
    private TextEventWriters() {
    }

    /** @param avro the TextEvent serializer for {@link InputFormat#AVRO}; null for the other formats */
    public static TextEventWriter over(Producer<String, byte[]> producer, String topic, InputFormat format,
                                       Serializer<TextEvent> avro) {
        return new TextEventWriter(topic, format, avro, () -> producer);
    }
}
