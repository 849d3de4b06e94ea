package dev.semstream.query;

import dev.semstream.avro.TextEvent;
import dev.semstream.registry.AvroSerializer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * Texts posted to the API, produced to the input topic as Avro {@code TextEvent}s keyed by id, the way
 * {@code produce} writes them. The producer starts on first use, so an instance nobody ingests through
 * holds no connection for it.
 */
final class Ingest implements AutoCloseable {
    private final Map<String, Object> clientProperties;
    private final String topic;
    private KafkaProducer<String, TextEvent> producer;

    /** @param clientProperties bootstrap servers, registry URL and the user's pass-through client settings */
    Ingest(Map<String, Object> clientProperties, String topic) {
        this.clientProperties = clientProperties;
        this.topic = topic;
    }

    /** Sends every event and returns once all are acknowledged by the broker. */
    List<RecordMetadata> send(List<TextEvent> events) {
        KafkaProducer<String, TextEvent> p = producer();
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (TextEvent e : events) {
            sent.add(p.send(new ProducerRecord<>(topic, e.getId(), e)));
        }
        List<RecordMetadata> acks = new ArrayList<>();
        try {
            for (Future<RecordMetadata> f : sent) {
                acks.add(f.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.unavailable("interrupted while producing");
        } catch (ExecutionException e) {
            throw ApiException.unavailable("Kafka did not take the texts: " + e.getCause().getMessage());
        }
        return acks;
    }

    /** Produces a tombstone for the id: the embedder deletes it from the store and the embeddings topic. */
    RecordMetadata delete(String id) {
        try {
            return producer().send(new ProducerRecord<>(topic, id, null)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.unavailable("interrupted while producing");
        } catch (ExecutionException e) {
            throw ApiException.unavailable("Kafka did not take the delete: " + e.getCause().getMessage());
        }
    }

    private synchronized KafkaProducer<String, TextEvent> producer() {
        if (producer == null) {
            Map<String, Object> props = new HashMap<>(clientProperties);
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            AvroSerializer<TextEvent> avro = new AvroSerializer<>();
            avro.configure(props, false);
            producer = new KafkaProducer<>(props, new StringSerializer(), avro);
        }
        return producer;
    }

    @Override
    public synchronized void close() {
        if (producer != null) {
            producer.close();
            producer = null;
        }
    }
}
