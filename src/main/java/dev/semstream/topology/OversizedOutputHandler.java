package dev.semstream.topology;

import dev.semstream.topology.RejectedInput.Reason;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;

/**
 * The last line against a poison pill: an output record Kafka refuses as too large is dropped and its input
 * record dead-lettered ({@code RECORD_TOO_LARGE}, truncated to fit), instead of the default's failing the
 * stream thread, which would fail again on the same input at every restart. The processors keep their
 * outputs within {@link RecordLimits}, so this should never run; every other send error fails as before.
 */
public final class OversizedOutputHandler implements ProductionExceptionHandler {
    /** The Streams property naming the dead-letter topic; without it, the input is only logged. */
    public static final String DEAD_LETTER_TOPIC_CONFIG = "semstream.dead.letter.topic";
    private static final Logger LOG = LoggerFactory.getLogger(OversizedOutputHandler.class);

    private String deadLetterTopic;

    @Override
    public void configure(Map<String, ?> configs) {
        Object topic = configs.get(DEAD_LETTER_TOPIC_CONFIG);
        deadLetterTopic = topic == null ? null : topic.toString();
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record,
                                Exception exception) {
        if (!(exception instanceof RecordTooLargeException || exception instanceof RecordBatchTooLargeException)) {
            return Response.fail();
        }
        String message = "its output to " + record.topic() + " was refused: " + exception.getMessage();
        LOG.warn("input {}-{}@{} dead-lettered: {}", context.topic(), context.partition(), context.offset(), message);
        if (deadLetterTopic == null || record.topic().equals(deadLetterTopic)) {
            return Response.resume();
        }
        DeadLetters.DeadLetter d = DeadLetters.of(new RejectedInput(Reason.RECORD_TOO_LARGE, message),
                context.topic(), context.partition(), context.offset(), context.sourceRawKey(),
                context.sourceRawValue());
        return Response.resume(List.of(new ProducerRecord<>(deadLetterTopic, null, context.timestamp(), d.key(),
                d.value(), d.headers())));
    }
}
