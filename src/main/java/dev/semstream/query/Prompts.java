package dev.semstream.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.semstream.avro.Prompt;
import dev.semstream.model.GenerationParams;
import dev.semstream.model.GenerationRequestException;
import dev.semstream.topology.GeneratorConfig;
import dev.semstream.topology.PromptReaders;
import dev.semstream.topology.PromptWriter;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.SerializationException;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.ExecutionException;

/**
 * {@code POST /prompts}: a prompt checked as the generator would check it (so a bad one is a 400 now, not an
 * error completion later), produced to the prompts topic; its completion comes back through the live feed.
 */
final class Prompts implements AutoCloseable {
    /** A generator that is starting joins its group in a moment; a page should not wait longer than this to hear there is none. */
    static final Duration READER_PATIENCE = Duration.ofSeconds(2);

    private final Map<String, Object> clientProperties;
    private final PromptWriter writer;
    private final GeneratorConfig limits = GeneratorConfig.defaults();

    Prompts(Map<String, Object> clientProperties, String topic) {
        this.clientProperties = clientProperties;
        this.writer = PromptWriter.connect(clientProperties, topic);
    }

    /** 202 {promptId, topic, partition, offset}. */
    ObjectNode submit(JsonNode body) throws InterruptedException {
        Prompt prompt = prompt(Json.object(body), limits);
        if (!PromptReaders.anyWithin(clientProperties, writer.topic(), READER_PATIENCE)) {
            throw new ApiException(503, "no_generator", "no generator reads " + writer.topic() + ": start one with"
                    + " `semstream run --generator-model DIR`, or the sidecar on your cluster");
        }
        RecordMetadata sent;
        try {
            sent = writer.send(prompt).get();
        } catch (SerializationException e) {
            throw ApiException.unavailable("the prompt could not be written (the registry?): " + e.getMessage());
        } catch (ExecutionException e) {
            throw ApiException.unavailable("Kafka did not take the prompt: " + e.getCause().getMessage());
        }
        ObjectNode out = Json.newObject();
        out.put("promptId", prompt.getPromptId());
        out.put("topic", sent.topic());
        out.put("partition", sent.partition());
        out.put("offset", sent.offset());
        return out;
    }

    /** The request as a Prompt with a fresh id; absent fields take the schema's defaults (schemas/Prompt.avsc). */
    static Prompt prompt(ObjectNode body, GeneratorConfig limits) {
        String text = Json.text(body, "text");
        if (text == null || text.isBlank()) {
            throw ApiException.badRequest("'text' is missing or blank: the prompt the decoder continues");
        }
        int bytes = text.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > limits.maxPromptBytes()) {
            throw new ApiException(413, "prompt_too_large", "the prompt is " + bytes + " UTF-8 bytes; the generator"
                    + " takes at most " + limits.maxPromptBytes());
        }
        Prompt defaults = Prompt.newBuilder().setPromptId("").setText("").build();
        int maxTokens = Json.integer(body, "maxTokens", defaults.getMaxTokens());
        double temperature = Json.number(body, "temperature", defaults.getTemperature());
        int topK = Json.integer(body, "topK", defaults.getTopK());
        double topP = Json.number(body, "topP", defaults.getTopP());
        JsonNode seedNode = body.get("seed");
        Long seed = seedNode == null || seedNode.isNull() ? null : Json.longInteger(body, "seed", 0);
        List<String> stops = Json.stringList(body, "stop");
        int retrievalK = Json.integer(body, "retrievalK", defaults.getRetrievalK());
        try {
            // The decoder's own checks, so the API refuses exactly what the generator would.
            new GenerationParams(maxTokens, (float) temperature, topK, (float) topP,
                    seed == null ? OptionalLong.empty() : OptionalLong.of(seed), stops);
        } catch (GenerationRequestException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        if (retrievalK < 0 || retrievalK > limits.maxContextK()) {
            throw ApiException.badRequest("retrievalK must be from 0 to " + limits.maxContextK() + ", got " + retrievalK);
        }
        return Prompt.newBuilder().setPromptId(UUID.randomUUID().toString()).setText(text).setMaxTokens(maxTokens)
                .setTemperature((float) temperature).setTopK(topK).setTopP((float) topP).setSeed(seed)
                .setStopSequences(stops).setRetrievalK(retrievalK).build();
    }

    @Override
    public void close() {
        writer.close();
    }
}
