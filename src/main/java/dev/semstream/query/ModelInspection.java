package dev.semstream.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.semstream.model.AttentionMap;
import dev.semstream.model.Encoder;
import dev.semstream.model.GenerationParams;
import dev.semstream.model.GenerationRequestException;
import dev.semstream.model.PromptTooLongException;
import dev.semstream.model.TextGenerator;
import dev.semstream.model.sampling.NextTokenDistribution;
import dev.semstream.tokenize.Encoding;
import dev.semstream.tokenize.Tokenizer;

import java.util.BitSet;

/**
 * The console's "inside the model" routes, {@code POST /inspect/*}: tokens, attention weights and the next-token
 * distribution, computed by the encoder and generator the pipeline runs (not copies), through the model's own
 * hooks, so what they show is what the engine does. The encoder is the active model's at each request, so a
 * model switch shows the new model's tokens and attention.
 */
final class ModelInspection {
    /** Attention is [layers][heads][tokens][tokens]: at 128 tokens a 6 x 12 encoder already sends 1.2M weights. */
    static final int MAX_ATTENTION_TOKENS = 128;
    static final int DEFAULT_ATTENTION_TOKENS = 64;
    static final int DEFAULT_TOP = 20;

    private final ActiveEncoder activeEncoder;
    private final TextGenerator generator;

    /** @param generator null when this instance runs none */
    ModelInspection(ActiveEncoder activeEncoder, TextGenerator generator) {
        this.activeEncoder = activeEncoder;
        this.generator = generator;
    }

    /** {@code POST /inspect/tokens {text}}: how each model cuts the text. */
    ObjectNode tokens(JsonNode json) {
        String text = requiredText(Json.object(json), "text");
        Encoder encoder = activeEncoder.get();
        ObjectNode o = Json.newObject();
        ObjectNode e = o.putObject("encoder");
        // As the encoder reads a stored text: behind its card's passage prefix, the same as /inspect/attention.
        Encoding encoding = encoder.tokenizer().encode(encoder.card().passagePrefix() + text, encoder.options().maxTokens());
        e.put("modelId", encoder.modelId());
        e.put("maxTokens", encoder.options().maxTokens());
        e.put("truncated", encoding.truncated());
        ArrayNode tokens = e.putArray("tokens");
        for (int id : encoding.ids()) {
            tokens.addObject().put("id", id).put("piece", encoderPiece(encoder, id))
                    .put("special", encoder.tokenizer().isSpecial(id));
        }
        if (generator == null) {
            o.putNull("generator");
        } else {
            ObjectNode g = o.putObject("generator");
            g.put("modelId", generator.modelId());
            int[] ids = generator.promptIds(text);
            int shown = Math.min(ids.length, generator.config().contextLength());
            g.put("contextLength", generator.config().contextLength());
            g.put("truncated", shown < ids.length);
            putGeneratorTokens(g.putArray("tokens"), ids, shown);
        }
        return o;
    }

    /** {@code POST /inspect/attention {text, model?, maxTokens?}}: every layer's and head's weights. */
    ObjectNode attention(JsonNode json) {
        JsonNode body = Json.object(json);
        String text = requiredText(body, "text");
        String model = Json.text(body, "model");
        model = model == null ? "encoder" : model;
        int maxTokens = Json.integer(body, "maxTokens", DEFAULT_ATTENTION_TOKENS);
        if (maxTokens < 1 || maxTokens > MAX_ATTENTION_TOKENS) {
            throw ApiException.badRequest("'maxTokens' must be in [1, " + MAX_ATTENTION_TOKENS + "], got " + maxTokens);
        }
        AttentionMap map;
        String modelId;
        Encoder encoder = null;
        if (model.equals("encoder")) {
            encoder = activeEncoder.get();
            modelId = encoder.modelId();
            try {
                map = encoder.attention(text, maxTokens);
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("'maxTokens' " + maxTokens + " is too small: " + e.getMessage());
            }
        } else if (model.equals("generator")) {
            modelId = requireGenerator().modelId();
            map = generator.attention(text, maxTokens);
        } else {
            throw ApiException.badRequest("'model' must be \"encoder\" or \"generator\", got \"" + model + "\"");
        }
        ObjectNode o = Json.newObject();
        o.put("model", model);
        o.put("modelId", modelId);
        ArrayNode pieces = o.putArray("tokens");
        ArrayNode ids = o.putArray("ids");
        for (int id : map.ids()) {
            pieces.add(encoder != null ? encoderPiece(encoder, id) : generatorPiece(id));
            ids.add(id);
        }
        o.put("truncated", map.truncated());
        o.put("layers", map.layers());
        o.put("heads", map.heads());
        o.put("mask", map.causal() ? "causal" : "none");
        ArrayNode layers = o.putArray("attention");
        for (float[][][] layer : map.weights()) {
            ArrayNode heads = layers.addArray();
            for (float[][] head : layer) {
                ArrayNode rows = heads.addArray();
                for (float[] row : head) {
                    ArrayNode r = rows.addArray();
                    for (float w : row) {
                        r.add(w);
                    }
                }
            }
        }
        return o;
    }

    /** {@code POST /inspect/next-token {prompt, temperature?, topK?, topP?, top?}}: what sampling would draw from. */
    ObjectNode nextToken(JsonNode json) {
        JsonNode body = Json.object(json);
        TextGenerator g = requireGenerator();
        String prompt = requiredText(body, "prompt");
        float temperature = (float) Json.number(body, "temperature", 1);
        int topK = Json.integer(body, "topK", 0);
        float topP = (float) Json.number(body, "topP", 1);
        try {
            // The settings a prompt may carry, refused with the same messages.
            GenerationParams.defaults().withTemperature(temperature).withTopK(topK).withTopP(topP);
        } catch (GenerationRequestException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        int[] promptIds = g.promptIds(prompt);
        float[] logits;
        try {
            logits = g.nextTokenLogits(promptIds);
        } catch (PromptTooLongException e) {
            throw new ApiException(400, "prompt_too_long", e.getMessage());
        }
        int vocab = logits.length;
        int top = Json.integer(body, "top", Math.min(DEFAULT_TOP, vocab));
        if (top < 1 || top > vocab) {
            throw ApiException.badRequest("'top' must be in [1, " + vocab + "] (the vocabulary), got " + top);
        }
        NextTokenDistribution d = NextTokenDistribution.of(logits, temperature, topK, topP);
        ObjectNode o = Json.newObject();
        o.put("modelId", g.modelId());
        putGeneratorTokens(o.putArray("promptTokens"), promptIds, promptIds.length);
        o.put("temperature", temperature);
        o.put("topK", topK);
        o.put("topP", topP);
        o.put("vocabSize", vocab);
        ArrayNode candidates = o.putArray("candidates");
        BitSet shown = new BitSet(vocab);
        for (int id : d.top(top)) {
            shown.set(id);
            candidates.addObject().put("id", id).put("piece", generatorPiece(id)).put("logit", d.logit(id))
                    .put("probability", d.probability(id)).put("tempered", d.tempered(id))
                    .put("kept", d.kept(id)).put("sampling", d.sampling(id));
        }
        double probability = 0;
        double tempered = 0;
        double sampling = 0;
        for (int id = shown.nextClearBit(0); id < vocab; id = shown.nextClearBit(id + 1)) {
            probability += d.probability(id);
            tempered += d.tempered(id);
            sampling += d.sampling(id);
        }
        o.putObject("others").put("count", vocab - shown.cardinality()).put("probability", probability)
                .put("tempered", tempered).put("sampling", sampling);
        o.putObject("kept").put("count", d.keptCount()).put("mass", d.keptMass());
        return o;
    }

    private TextGenerator requireGenerator() {
        if (generator == null) {
            throw new ApiException(503, "no_generator", "this instance runs no generator; start it with one"
                    + " (run serves the shipped model unless --no-generator is given)");
        }
        return generator;
    }

    private static String encoderPiece(Encoder encoder, int id) {
        Tokenizer t = encoder.tokenizer();
        return t.tokenOf(id).orElse("[" + id + "]");
    }

    /** The token's text; a token holding part of a UTF-8 character shows U+FFFD for the missing part. */
    private String generatorPiece(int id) {
        try {
            return generator.tokenizer().decode(new int[]{id});
        } catch (IllegalArgumentException e) {
            return "[" + id + "]"; // an id of the model's vocabulary the tokenizer never produces
        }
    }

    private void putGeneratorTokens(ArrayNode array, int[] ids, int count) {
        for (int i = 0; i < count; i++) {
            array.addObject().put("id", ids[i]).put("piece", generatorPiece(ids[i]));
        }
    }

    private static String requiredText(JsonNode body, String field) {
        String text = Json.text(body, field);
        if (text == null) {
            throw ApiException.badRequest("'" + field + "' is required: a string");
        }
        return text;
    }
}
