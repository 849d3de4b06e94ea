package dev.semstream.cli;

import dev.semstream.app.Endpoints;
import dev.semstream.avro.Embedding;
import dev.semstream.registry.AvroDeserializer;
import dev.semstream.topology.EmbeddingRecords;
import dev.semstream.topology.TopicDefinitions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code semstream consume}: prints the embeddings topic from the beginning, one line per record: id,
 * model, dimensions and the first values. Reads committed records only, as exactly-once consumers must.
 */
@Command(name = "consume", mixinStandardHelpOptions = true,
        description = "Print embeddings from the embeddings topic: id, model, dimensions, first values, text.")
final class ConsumeCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Mixin
    ClusterOptions cluster;

    @Option(names = "--max", paramLabel = "N", description = "Stop after N records.")
    Long max;

    @Option(names = "--idle-timeout", paramLabel = "SECONDS",
            description = "Stop when no record has arrived for this long (default: follow until Ctrl-C).")
    Long idleSeconds;

    @Option(names = "--topic-prefix", paramLabel = "PREFIX", description = "Topic name prefix (default: semstream).")
    String topicPrefix;

    @Override
    public Integer call() {
        Endpoints endpoints = cluster.resolve();
        String topic = TopicDefinitions.load(topicPrefix).name("embeddings");
        Map<String, Object> props = cluster.clientProperties(endpoints);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        long seen = 0;
        long idleDeadline = idleSeconds == null ? Long.MAX_VALUE : System.nanoTime() + idleSeconds * 1_000_000_000L;
        try (AvroDeserializer<Embedding> values = new AvroDeserializer<>();
             KafkaConsumer<String, Embedding> consumer = consumer(props, values)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while ((max == null || seen < max) && System.nanoTime() < idleDeadline) {
                for (ConsumerRecord<String, Embedding> r : consumer.poll(Duration.ofMillis(200))) {
                    main.stdout.println(line(r.key(), r.value()));
                    seen++;
                    if (idleSeconds != null) {
                        idleDeadline = System.nanoTime() + idleSeconds * 1_000_000_000L;
                    }
                    if (max != null && seen >= max) {
                        break;
                    }
                }
                main.stdout.flush();
            }
        }
        return 0;
    }

    private static KafkaConsumer<String, Embedding> consumer(Map<String, Object> props, AvroDeserializer<Embedding> values) {
        Map<String, Object> config = new java.util.HashMap<>(props);
        config.put("specific.avro.value.type", Embedding.class);
        values.configure(config, false);
        return new KafkaConsumer<>(props, new StringDeserializer(), values);
    }

    static String line(String id, Embedding e) {
        if (e == null) {
            return id + "\t(deleted)";
        }
        StringBuilder first = new StringBuilder("[");
        float[] v = EmbeddingRecords.vector(e);
        for (int i = 0; i < Math.min(4, v.length); i++) {
            first.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.4f", v[i]));
        }
        first.append(v.length > 4 ? ", ...]" : "]");
        String text = e.getText().length() > 60 ? e.getText().substring(0, 57) + "..." : e.getText();
        return id + "\t" + e.getModelId() + "\t" + e.getDimensions() + "\t" + first + "\t"
                + (e.getTruncated() ? "(truncated) " : "") + text.replace('\n', ' ');
    }
}
