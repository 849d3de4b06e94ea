package dev.semstream.cli;

import dev.semstream.app.Endpoints;
import dev.semstream.avro.Completion;
import dev.semstream.avro.FinishReason;
import dev.semstream.avro.Prompt;
import dev.semstream.registry.AvroDeserializer;
import dev.semstream.topology.PromptReaders;
import dev.semstream.topology.PromptWriter;
import dev.semstream.topology.TopicDefinitions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;

/**
 * {@code semstream prompt "Once upon a time"}: produces a prompt to the prompts topic and waits for its
 * completion on the completions topic (read committed), then prints the generated text.
 */
@Command(name = "prompt", mixinStandardHelpOptions = true,
        description = {"Send a prompt to the generator sidecar and print its completion.",
                "Needs `semstream run --generator-model DIR` running (or a sidecar on your cluster)."})
final class PromptCommand implements Callable<Integer> {
    /** How long a generator that is starting has to join its group before the prompt gives up on it. */
    private static final Duration READER_PATIENCE = Duration.ofSeconds(5);

    @Spec
    CommandSpec spec;

    @ParentCommand
    Main main;

    @Mixin
    ClusterOptions cluster;

    @Parameters(index = "0", paramLabel = "TEXT", description = "The prompt the decoder continues.")
    String text;

    @Option(names = "--max-tokens", paramLabel = "N", defaultValue = "64", description = "Most new tokens (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--temperature", paramLabel = "T", defaultValue = "0.8",
            description = "0 always takes the most likely token; higher is more random (default: ${DEFAULT-VALUE}).")
    float temperature;

    @Option(names = "--top-k", paramLabel = "K", defaultValue = "0", description = "Sample among the K most likely tokens only; 0: no limit.")
    int topK;

    @Option(names = "--top-p", paramLabel = "P", defaultValue = "1.0", description = "Sample within the nucleus of probability P only; 1: no limit.")
    float topP;

    @Option(names = "--seed", paramLabel = "N", description = "Makes the completion reproducible.")
    Long seed;

    @Option(names = "--stop", paramLabel = "TEXT", description = "End the completion before this text; repeatable.")
    List<String> stops = new ArrayList<>();

    @Option(names = "--retrieval-k", paramLabel = "K", defaultValue = "0",
            description = "Give the decoder the K stored texts nearest to the prompt as context.")
    int retrievalK;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "120", description = "How long to wait for the completion (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Option(names = "--json", description = "Print the whole completion (text, tokens, finish reason, timings) as JSON.")
    boolean json;

    @Option(names = "--topic-prefix", paramLabel = "PREFIX", description = "Topic name prefix (default: semstream).")
    String topicPrefix;

    @Override
    public Integer call() throws Exception {
        if (text.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "the prompt is empty");
        }
        Endpoints endpoints = cluster.resolve();
        TopicDefinitions topics = TopicDefinitions.load(topicPrefix);
        Map<String, Object> props = cluster.clientProperties(endpoints);
        String promptId = UUID.randomUUID().toString();
        Prompt prompt = Prompt.newBuilder().setPromptId(promptId).setText(text).setMaxTokens(maxTokens)
                .setTemperature(temperature).setTopK(topK).setTopP(topP).setSeed(seed).setStopSequences(stops)
                .setRetrievalK(retrievalK).build();
        if (!PromptReaders.anyWithin(props, topics.name("prompts"), READER_PATIENCE)) {
            main.stderr().println("semstream: no generator is reading " + topics.name("prompts") + ": start one with "
                    + "`semstream run --generator-model DIR` (DIR: a GPT-2 checkpoint directory), or the sidecar on "
                    + "your cluster, then prompt again");
            return 1;
        }
        Completion completion;
        try (KafkaConsumer<String, Completion> consumer = completionConsumer(props)) {
            String completions = topics.name("completions");
            List<TopicPartition> partitions = consumer.partitionsFor(completions).stream()
                    .map(p -> new TopicPartition(completions, p.partition())).toList();
            if (partitions.isEmpty()) {
                throw new IllegalStateException("the completions topic " + completions + " does not exist: is a "
                        + "generator running on this cluster? (`semstream run --generator-model DIR`)");
            }
            consumer.assign(partitions);
            // Start at the end before the prompt goes out, so the completion cannot slip past.
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            send(props, topics.name("prompts"), prompt);
            completion = await(consumer, promptId);
        }
        if (json) {
            main.stdout.println(completion.toString());
        } else if (completion.getFinishReason() != FinishReason.ERROR) {
            main.stdout.println(completion.getText());
        }
        main.stdout.flush();
        if (completion.getFinishReason() == FinishReason.ERROR) {
            main.stderr().println("semstream: the generator refused the prompt: " + completion.getError());
            return 1;
        }
        main.stderr().printf(Locale.ROOT, "semstream: %s, %d prompt + %d new tokens, %.1f tokens/s, model %s%n",
                completion.getFinishReason().name().toLowerCase(Locale.ROOT), completion.getPromptTokens(),
                completion.getCompletionTokens(), completion.getTimings().getTokensPerSecond(), completion.getModelId());
        return 0;
    }

    private static void send(Map<String, Object> props, String topic, Prompt prompt) throws Exception {
        try (PromptWriter writer = PromptWriter.connect(props, topic)) {
            writer.send(prompt).get();
        }
    }

    private Completion await(KafkaConsumer<String, Completion> consumer, String promptId) {
        long deadline = System.nanoTime() + Duration.ofSeconds(timeoutSeconds).toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<String, Completion> r : consumer.poll(Duration.ofMillis(200))) {
                if (promptId.equals(r.key()) && r.value() != null) {
                    return r.value();
                }
            }
        }
        throw new IllegalStateException("no completion for prompt " + promptId + " in " + timeoutSeconds
                + " s: is a generator running? (`semstream run --generator-model DIR`)");
    }

    private static KafkaConsumer<String, Completion> completionConsumer(Map<String, Object> props) {
        Map<String, Object> config = new HashMap<>(props);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put("specific.avro.value.type", Completion.class);
        AvroDeserializer<Completion> values = new AvroDeserializer<>();
        values.configure(config, false);
        return new KafkaConsumer<>(config, new StringDeserializer(), values);
    }
}
