package dev.semstream.topology;

import dev.semstream.avro.Prompt;
import dev.semstream.registry.AvroSerializer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Future;

/**
 * Produces prompts to the generator's prompts topic, as Avro {@link Prompt}s keyed by their promptId and
 * acknowledged by every in-sync replica: the one writer of {@code semstream prompt} and {@code POST /prompts}.
 */
public final class PromptWriter implements AutoCloseable {
    private final KafkaProducer<String, Prompt> producer;
    private final String topic;

    private PromptWriter(KafkaProducer<String, Prompt> producer, String topic) {
        this.producer = producer;
        this.topic = topic;
    }

    /** @param clientProperties bootstrap servers, registry URL and the user's pass-through client settings */
    public static PromptWriter connect(Map<String, Object> clientProperties, String topic) {
        Map<String, Object> config = new HashMap<>(clientProperties);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        AvroSerializer<Prompt> avro = new AvroSerializer<>();
        avro.configure(config, false);
        return new PromptWriter(new KafkaProducer<>(config, new StringSerializer(), avro), topic);
    }

    public String topic() {
        return topic;
    }

    /** Sends the prompt; the future completes when the broker has it. */
    public Future<RecordMetadata> send(Prompt prompt) {
        return producer.send(new ProducerRecord<>(topic, prompt.getPromptId(), prompt));
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
