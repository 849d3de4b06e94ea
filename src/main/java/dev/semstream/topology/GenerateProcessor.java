package dev.semstream.topology;

import dev.semstream.avro.Completion;
import dev.semstream.avro.FinishReason;
import dev.semstream.avro.Prompt;
import dev.semstream.avro.Timings;
import dev.semstream.metrics.GeneratorMetrics;
import dev.semstream.model.GenerationEnd;
import dev.semstream.model.GenerationParams;
import dev.semstream.model.GenerationRequestException;
import dev.semstream.model.GenerationResult;
import dev.semstream.model.TextGenerator;
import dev.semstream.topology.RejectedInput.Reason;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * One prompt, one completion. Records that are not prompts go to the dead-letter topic; prompts that
 * cannot be served get an ERROR completion saying why; nothing a prompt holds can stop the stream thread.
 * Exactly once: the completion is written in the transaction that commits the prompt's offset, so a
 * crash mid-generation generates again (the same text when the prompt has a seed) and never twice.
 */
final class GenerateProcessor implements Processor<byte[], byte[], Object, Object> {
    private static final Logger LOG = LoggerFactory.getLogger(GenerateProcessor.class);

    private final GeneratorConfig config;
    private final TextGenerator generator;
    private final ContextRetriever retriever;
    private final Deserializer<Prompt> avro;
    private final GeneratorMetrics metrics;
    private ProcessorContext<Object, Object> context;

    GenerateProcessor(GeneratorConfig config, TextGenerator generator, ContextRetriever retriever,
                      Deserializer<Prompt> avro, GeneratorMetrics metrics) {
        this.config = config;
        this.generator = generator;
        this.retriever = retriever;
        this.avro = avro;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        if (record.value() == null) {
            return; // a tombstone of a prompt asks for nothing
        }
        RecordMetadata source = context.recordMetadata().orElseThrow();
        Prompt prompt;
        try {
            prompt = AvroInput.decode(avro, source.topic(), record.value(), "Prompt");
            if (prompt.getPromptId() == null || prompt.getPromptId().isEmpty()) {
                throw new RejectedInput(Reason.MISSING_ID, "the prompt has no promptId, so no one could read its completion");
            }
        } catch (RejectedInput rejection) {
            metrics.deadLetters().count(rejection.reason());
            context.forward(DeadLetters.record(rejection, source.topic(), source.partition(), source.offset(),
                    record.key(), record.value(), record.timestamp()), GeneratorTopology.DEAD_LETTER_SINK);
            return;
        }
        Completion completion;
        try {
            completion = complete(prompt);
        } catch (GenerationRequestException refused) {
            completion = error(prompt, refused.getMessage());
        } catch (RuntimeException failed) {
            // Not the prompt's fault as far as we know, but one prompt must not stop the sidecar: say so in
            // the completion and go on.
            LOG.warn("generation failed for prompt {}", prompt.getPromptId(), failed);
            completion = error(prompt, "generation failed: " + failed);
        }
        context.forward(new Record<>(prompt.getPromptId(), completion, record.timestamp()),
                GeneratorTopology.COMPLETIONS_SINK);
    }

    private Completion complete(Prompt prompt) {
        String text = prompt.getText();
        if (text == null || text.isBlank()) {
            throw new GenerationRequestException("the prompt text is empty");
        }
        int bytes = text.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > config.maxPromptBytes()) {
            throw new GenerationRequestException("the prompt is " + bytes + " bytes; the limit is " + config.maxPromptBytes());
        }
        GenerationParams params = new GenerationParams(prompt.getMaxTokens(), prompt.getTemperature(), prompt.getTopK(),
                prompt.getTopP(), prompt.getSeed() == null ? OptionalLong.empty() : OptionalLong.of(prompt.getSeed()),
                prompt.getStopSequences());
        List<String> contextIds = new ArrayList<>();
        String input = withContext(prompt, text, contextIds);
        GenerationResult result = generator.generate(input, params);
        metrics.generated(result.completionTokens(), result.prefillMillis(), result.generationMillis());
        return Completion.newBuilder()
                .setPromptId(prompt.getPromptId())
                .setText(result.text())
                .setPromptTokens(result.promptTokens())
                .setCompletionTokens(result.completionTokens())
                .setFinishReason(finishReason(result.finishReason()))
                .setError(null)
                .setModelId(generator.modelId())
                .setContextIds(contextIds)
                .setTimings(new Timings(result.prefillMillis(), result.generationMillis(), result.tokensPerSecond()))
                .setCompletedAt(Instant.ofEpochMilli(context.currentSystemTimeMs()))
                .build();
    }

    /** The prompt, preceded by the stored texts nearest to it when it asks for retrieval. */
    private String withContext(Prompt prompt, String text, List<String> contextIds) {
        int k = prompt.getRetrievalK();
        if (k <= 0) {
            return text;
        }
        if (k > config.maxContextK()) {
            throw new GenerationRequestException("retrievalK is " + k + "; at most " + config.maxContextK());
        }
        if (retriever == null) {
            throw new GenerationRequestException("the prompt asks for retrieval, but this sidecar has no similarity "
                    + "API to ask (run it with the embedder's HTTP API)");
        }
        List<ContextRetriever.Passage> passages;
        try {
            passages = retriever.nearest(text, k);
        } catch (RuntimeException e) {
            throw new GenerationRequestException("retrieval failed: " + e.getMessage());
        }
        StringBuilder withContext = new StringBuilder("Context:\n");
        for (ContextRetriever.Passage p : passages) {
            contextIds.add(p.id());
            withContext.append(p.text().replace('\n', ' ')).append('\n');
        }
        return withContext.append('\n').append(text).toString();
    }

    /** An exhaustive switch, so a new way for generation to end fails to compile until the topic has a name for it. */
    private static FinishReason finishReason(GenerationEnd end) {
        return switch (end) {
            case STOP -> FinishReason.STOP;
            case LENGTH -> FinishReason.LENGTH;
            case END_OF_TEXT -> FinishReason.END_OF_TEXT;
        };
    }

    private Completion error(Prompt prompt, String message) {
        return Completion.newBuilder()
                .setPromptId(prompt.getPromptId())
                .setText("")
                .setPromptTokens(0)
                .setCompletionTokens(0)
                .setFinishReason(FinishReason.ERROR)
                .setError(message)
                .setModelId(generator.modelId())
                .setContextIds(List.of())
                .setTimings(new Timings(0.0, 0.0, 0.0))
                .setCompletedAt(Instant.ofEpochMilli(context.currentSystemTimeMs()))
                .build();
    }
}
