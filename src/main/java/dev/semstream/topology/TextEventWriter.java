package dev.semstream.topology;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.semstream.avro.TextEvent;
import dev.semstream.registry.AvroSerializer;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * Writes text events and deletes to the input topic in its {@link InputFormat}, the mirror of
 * {@link TextEventDecoder}: every record is keyed by the event's id, and a delete is a null value (a
 * tombstone) keyed by the id in every format. {@code POST /texts} and {@code produce} both write through it,
 * so the topic holds one encoding per format whoever wrote it.
 *
 * <p>The event time rides in the value where the format has room for it (Avro, JSON) and always as the
 * record's timestamp, which is what the embedder falls back on for plain text. Plain text has no room for
 * metadata: an event with metadata is refused ({@link UnwritableEventException}) rather than written without it.
 */
public final class TextEventWriter implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String topic;
    private final InputFormat format;
    private final Serializer<TextEvent> avro;
    private final Supplier<Producer<String, byte[]>> opener;
    private Producer<String, byte[]> producer;

    /**
     * A writer whose idempotent producer ({@code acks=all}) opens on the first send, so a process that never
     * writes holds no connection for it.
     *
     * @param clientProperties bootstrap servers, pass-through client settings and, for Avro, the registry URL
     */
    public static TextEventWriter connect(Map<String, Object> clientProperties, String topic, InputFormat format) {
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.putIfAbsent(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, RecordLimits.MAX_RECORD_BYTES);
        AvroSerializer<TextEvent> avro = null;
        if (format == InputFormat.AVRO) {
            avro = new AvroSerializer<>();
            avro.configure(props, false);
        }
        return new TextEventWriter(topic, format, avro,
                () -> new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer()));
    }

    /** @param avro the TextEvent serializer for {@link InputFormat#AVRO}; null for the other formats */
    TextEventWriter(String topic, InputFormat format, Serializer<TextEvent> avro,
                    Supplier<Producer<String, byte[]>> opener) {
        if (format == InputFormat.AVRO && avro == null) {
            throw new IllegalArgumentException("Avro input needs a TextEvent serializer");
        }
        this.topic = topic;
        this.format = format;
        this.avro = avro;
        this.opener = opener;
    }

    /** @throws UnwritableEventException when the format cannot carry the event; nothing is sent then */
    public Future<RecordMetadata> send(TextEvent event) {
        return producer().send(record(event));
    }

    /**
     * Sends the event; {@code acknowledged} runs once the broker has acknowledged it, or with the exception
     * it failed with (on the producer's thread, or on this one when the send fails at once).
     *
     * @throws UnwritableEventException when the format cannot carry the event; nothing is sent then
     */
    public Future<RecordMetadata> send(TextEvent event, Callback acknowledged) {
        return producer().send(record(event), acknowledged);
    }

    /**
     * Sends every event, or none: all are encoded before the first is sent, so one the format cannot carry
     * refuses the whole list.
     *
     * @throws UnwritableEventException naming the first event the format cannot carry
     */
    public List<Future<RecordMetadata>> send(List<TextEvent> events) {
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>(events.size());
        for (TextEvent e : events) {
            records.add(record(e));
        }
        Producer<String, byte[]> p = producer();
        List<Future<RecordMetadata>> sent = new ArrayList<>(records.size());
        for (ProducerRecord<String, byte[]> r : records) {
            sent.add(p.send(r));
        }
        return sent;
    }

    /** A tombstone for the id: the embedder deletes it from the store and the embeddings topic. */
    public Future<RecordMetadata> delete(String id) {
        return producer().send(tombstone(id));
    }

    /** Blocks until everything sent so far is acknowledged or has failed. */
    public void flush() {
        producer().flush();
    }

    ProducerRecord<String, byte[]> record(TextEvent event) {
        byte[] value = switch (format) {
            case AVRO -> avro.serialize(topic, event);
            case TEXT -> plainText(event);
            case JSON -> json(event);
        };
        Long timestamp = event.getEventTime() == null ? null : event.getEventTime().toEpochMilli();
        return new ProducerRecord<>(topic, null, timestamp, event.getId(), value);
    }

    ProducerRecord<String, byte[]> tombstone(String id) {
        return new ProducerRecord<>(topic, id, null);
    }

    private static byte[] plainText(TextEvent event) {
        if (!event.getMetadata().isEmpty()) {
            throw new UnwritableEventException("plain-text input (TEXT) carries only the id, as the record key, and "
                    + "the text: the metadata of '" + event.getId() + "' " + new TreeSet<>(event.getMetadata().keySet())
                    + " would be lost; send it without metadata, or run the pipeline with --input-format JSON or AVRO");
        }
        return event.getText().getBytes(StandardCharsets.UTF_8);
    }

    /** The document {@link TextEventDecoder} reads: id, text, metadata and eventTime in epoch milliseconds. */
    private static byte[] json(TextEvent event) {
        ObjectNode doc = JSON.createObjectNode();
        doc.put("id", event.getId());
        doc.put("text", event.getText());
        ObjectNode metadata = doc.putObject("metadata");
        event.getMetadata().forEach(metadata::put);
        if (event.getEventTime() != null) {
            doc.put("eventTime", event.getEventTime().toEpochMilli());
        }
        try {
            return JSON.writeValueAsBytes(doc);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree of strings always serialises", e);
        }
    }

    private synchronized Producer<String, byte[]> producer() {
        if (producer == null) {
            producer = opener.get();
        }
        return producer;
    }

    @Override
    public synchronized void close() {
        if (producer != null) {
            producer.close();
            producer = null;
        }
        if (avro != null) {
            avro.close();
        }
    }
}
