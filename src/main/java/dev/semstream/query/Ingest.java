package dev.semstream.query;

import dev.semstream.avro.TextEvent;
import dev.semstream.topology.InputFormat;
import dev.semstream.topology.TextEventWriter;
import dev.semstream.topology.UnwritableEventException;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.SerializationException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * Texts posted to the API, written to the input topic in the pipeline's own input format by the writer
 * {@code produce} uses too, and answered once the broker has them: what the format cannot carry is a 400,
 * what Kafka does not take a 503.
 */
final class Ingest implements AutoCloseable {
    private final TextEventWriter writer;
    private final int maxTextBytes;

    /**
     * @param clientProperties bootstrap servers, registry URL and the user's pass-through client settings
     * @param maxTextBytes     the pipeline's limit on one text (UTF-8 bytes): a longer one is refused here,
     *                         not accepted and then dead-lettered
     */
    Ingest(Map<String, Object> clientProperties, String topic, InputFormat format, int maxTextBytes) {
        this.writer = TextEventWriter.connect(clientProperties, topic, format);
        this.maxTextBytes = maxTextBytes;
    }

    /** Sends every event, or none if one cannot be written, and returns once all are acknowledged by the broker. */
    List<RecordMetadata> send(List<TextEvent> events) {
        requireWithinLimit(events, maxTextBytes);
        List<Future<RecordMetadata>> sent;
        try {
            sent = writer.send(events);
        } catch (UnwritableEventException e) {
            throw ApiException.badRequest("this pipeline cannot take the texts as they are (nothing was sent): "
                    + e.getMessage());
        } catch (SerializationException e) {
            // Avro input: the Schema Registry did not give the TextEvent schema an id; nothing was sent.
            throw ApiException.unavailable("the texts could not be written (nothing was sent): " + e.getMessage());
        }
        List<RecordMetadata> acks = new ArrayList<>();
        for (Future<RecordMetadata> f : sent) {
            acks.add(acknowledged(f, "texts"));
        }
        return acks;
    }

    /**
     * Refuses, with a 413 and nothing sent, a text the embedder would dead-letter as {@code TEXT_TOO_LARGE}:
     * the client hears it now instead of a 202 for a text that is never embedded.
     */
    static void requireWithinLimit(List<TextEvent> events, int maxTextBytes) {
        for (int i = 0; i < events.size(); i++) {
            int bytes = events.get(i).getText().getBytes(StandardCharsets.UTF_8).length;
            if (bytes > maxTextBytes) {
                throw new ApiException(413, "text_too_large", "text " + i + (events.get(i).getId() == null ? ""
                        : " ('" + events.get(i).getId() + "')") + " has " + bytes + " UTF-8 bytes; this pipeline"
                        + " embeds texts of at most " + maxTextBytes + " bytes (nothing was sent)");
            }
        }
    }

    /** Produces a tombstone for the id: the embedder deletes it from the store and the embeddings topic. */
    RecordMetadata delete(String id) {
        return acknowledged(writer.delete(id), "delete");
    }

    private static RecordMetadata acknowledged(Future<RecordMetadata> sent, String what) {
        try {
            return sent.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.unavailable("interrupted while producing");
        } catch (ExecutionException e) {
            throw ApiException.unavailable("Kafka did not take the " + what + ": " + e.getCause().getMessage());
        }
    }

    @Override
    public void close() {
        writer.close();
    }
}
