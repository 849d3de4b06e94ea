package dev.semstream.bench;

import dev.semstream.app.AppSettings;
import dev.semstream.app.EmbedderApp;
import dev.semstream.avro.TextEvent;
import dev.semstream.model.Encoder;
import dev.semstream.model.EncoderOptions;
import dev.semstream.model.load.EncoderModels;
import dev.semstream.reference.TextCorpus;
import dev.semstream.registry.AvroSerializer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The streaming embedder end to end against the encoder alone, same texts, same run: N texts produced
 * to the input topic of a pipeline on the embedded broker and registry, timed from the first send to
 * the last embedding read back committed; then the same texts through {@code Encoder.embed} in batches
 * of the pipeline's batch size. Both sides are warmed up first (1,536 other texts each). Usage: {@code bench/pipeline [--texts N] [--words W] [--commit-ms MS] [--flush-ms MS]}.
 */
public final class PipelineBenchmark {
    /** Sends every value and returns the seconds until all their embeddings are read back committed. */
    static double streamThrough(KafkaProducer<String, byte[]> producer, KafkaConsumer<String, byte[]> consumer,
                                String topic, String prefix, byte[][] values) {
        long start = System.nanoTime();
        for (int i = 0; i < values.length; i++) {
            producer.send(new ProducerRecord<>(topic, prefix + i, values[i]));
        }
        producer.flush();
        Set<String> seen = new HashSet<>();
        long deadline = start + Duration.ofMinutes(10).toNanos();
        while (seen.size() < values.length && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(100)).forEach(r -> {
                if (r.key().startsWith(prefix)) {
                    seen.add(r.key());
                }
            });
        }
        if (seen.size() < values.length) {
            throw new IllegalStateException("only " + seen.size() + " of " + values.length + " embeddings in 10 minutes");
        }
        return (System.nanoTime() - start) / 1e9;
    }

    static byte[][] serialise(Map<String, Object> props, String topic, String prefix, List<String> texts) {
        byte[][] values = new byte[texts.size()][];
        try (AvroSerializer<TextEvent> avro = new AvroSerializer<>()) {
            avro.configure(props, false);
            for (int i = 0; i < values.length; i++) {
                values[i] = avro.serialize(topic, TextEvent.newBuilder().setId(prefix + i).setText(texts.get(i))
                        .setMetadata(Map.of()).setEventTime(Instant.now()).build());
            }
        }
        return values;
    }

    public static void main(String[] args) throws Exception {
        int n = 5000;
        int words = 12;
        Integer commitMs = null;
        Integer flushMs = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--texts" -> n = Integer.parseInt(args[++i]);
                case "--words" -> words = Integer.parseInt(args[++i]);
                case "--commit-ms" -> commitMs = Integer.parseInt(args[++i]);
                case "--flush-ms" -> flushMs = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Encoder encoder = EncoderModels.encoder(null, EncoderOptions.defaults());
        List<String> texts = TextCorpus.texts(7L, n, words);
        double tokens = texts.stream().mapToInt(t -> encoder.tokenizer().encode(t, 256).tokenCount()).average().orElse(0);
        int batch = 32;
        // Warm-up of the encoder (JIT), on other texts.
        List<String> warm = TextCorpus.texts(8L, 1536, words);
        for (int i = 0; i < warm.size(); i += batch) {
            encoder.embed(warm.subList(i, i + batch));
        }
        Path dir = Files.createTempDirectory("semstream-bench");
        double pipelineRate;
        String cpuReport;
        AppSettings settings = AppSettings.embedded(dir);
        if (flushMs != null) {
            settings = settings.withEmbedder(settings.embedder().withBatching(batch, Duration.ofMillis(flushMs)));
        }
        if (commitMs != null) {
            settings = settings.withExtraProperties(Map.of("commit.interval.ms", commitMs));
        }
        try (EmbedderApp app = EmbedderApp.start(settings, encoder, line -> System.err.println("  " + line))) {
            app.awaitRunning(Duration.ofMinutes(2));
            Map<String, Object> props = new HashMap<>();
            props.put("bootstrap.servers", app.endpoints().bootstrapServers());
            props.put("schema.registry.url", app.endpoints().schemaRegistryUrl());
            String in = app.topics().name("texts");
            String out = app.topics().name("embeddings");
            // Serialise up front so the clock measures the pipeline, not this producer's Avro encoding.
            byte[][] warmValues = serialise(props, in, "w-", warm);
            byte[][] values = serialise(props, in, "b-", texts);
            Map<String, Object> producerProps = new HashMap<>(props);
            producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
            producerProps.put(ProducerConfig.LINGER_MS_CONFIG, 5);
            Map<String, Object> consumerProps = new HashMap<>(props);
            consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProps, new StringSerializer(),
                    new ByteArraySerializer());
                 KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(),
                         new ByteArrayDeserializer())) {
                List<TopicPartition> parts = consumer.partitionsFor(out).stream()
                        .map(p -> new TopicPartition(out, p.partition())).toList();
                consumer.assign(parts);
                consumer.seekToEnd(parts);
                parts.forEach(consumer::position);
                // Warm-up round: the JIT compiles the Kafka, Streams and Avro paths, as it did the encoder's.
                streamThrough(producer, consumer, in, "w-", warmValues);
                ThreadCpu cpu = ThreadCpu.start();
                pipelineRate = n / streamThrough(producer, consumer, in, "b-", values);
                cpuReport = cpu.report();
            }
        }
        long start = System.nanoTime();
        for (int i = 0; i < n; i += batch) {
            encoder.embed(texts.subList(i, Math.min(n, i + batch)));
        }
        double encoderRate = n / ((System.nanoTime() - start) / 1e9);
        double ratio = pipelineRate / encoderRate;
        System.out.printf(Locale.ROOT, "%n%d texts of ~%.0f tokens, batch %d, exactly once, embedded broker + registry%n",
                n, tokens, batch);
        System.out.println("| path | texts/s |");
        System.out.println("|---|---:|");
        System.out.printf(Locale.ROOT, "| pipeline, end to end (produce -> embed -> read committed) | %.1f |%n", pipelineRate);
        System.out.printf(Locale.ROOT, "| encoder alone (Encoder.embed, batches of %d) | %.1f |%n", batch, encoderRate);
        System.out.printf(Locale.ROOT, "| ratio | %.2f |%n", ratio);
        System.out.println();
        System.out.print(cpuReport);
        System.out.printf(Locale.ROOT, "{\"texts\":%d,\"meanTokens\":%.1f,\"pipeline\":%.2f,\"encoder\":%.2f,\"ratio\":%.3f}%n",
                n, tokens, pipelineRate, encoderRate, ratio);
    }
}
