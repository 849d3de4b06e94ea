package dev.semstream.model;

import dev.semstream.model.sampling.Sampler;
import dev.semstream.tokenize.ByteLevelBpeTokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Prompt in, completion out: tokenizer, GPT-2 forward passes with a KV cache, sampling. Thread-safe; every
 * call has its own cache and random source, and each forward pass already uses every core.
 */
public final class TextGenerator {
    private final String modelId;
    private final GptModel model;
    private final ByteLevelBpeTokenizer tokenizer;

    /** @param modelId stamped on every completion: name plus a hash of the weights */
    public TextGenerator(String modelId, GptModel model, ByteLevelBpeTokenizer tokenizer) {
        this.modelId = Objects.requireNonNull(modelId, "modelId");
        this.model = Objects.requireNonNull(model, "model");
        this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
        if (tokenizer.vocabSize() > model.config().vocabSize()) {
            throw new ModelException("the tokenizer has " + tokenizer.vocabSize() + " ids but the model only "
                    + model.config().vocabSize());
        }
    }

    public String modelId() {
        return modelId;
    }

    public GptConfig config() {
        return model.config();
    }

    public ByteLevelBpeTokenizer tokenizer() {
        return tokenizer;
    }

    /**
     * Continues the prompt.
     *
     * @throws PromptTooLongException if the prompt has more tokens than the context length
     */
    public GenerationResult generate(String prompt, GenerationParams params) {
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(params, "params");
        long start = System.nanoTime();
        int contextLength = model.config().contextLength();
        int endOfText = tokenizer.endOfTextId();
        int[] promptIds = promptIds(prompt);
        requireFits(promptIds);
        KvCache cache = model.newCache(Math.min(contextLength, promptIds.length + params.maxTokens()));
        // Prefill: every prompt position through the model in one batch; keeps K and V, returns the next logits.
        float[] logits = model.append(cache, promptIds);
        long prefilled = System.nanoTime();

        long seed = params.seed().orElseGet(() -> new SplittableRandom().nextLong());
        Sampler sampler = Sampler.of(params.temperature(), params.topK(), params.topP(), new SplittableRandom(seed));
        ByteArrayOutputStream completion = new ByteArrayOutputStream();
        String text = "";
        int generated = 0;
        GenerationEnd reason;
        while (true) {
            // Pick the next token from the distribution over the vocabulary.
            int next = sampler.sample(logits);
            // The model ended the document: stop, without the end-of-text token.
            if (next == endOfText) {
                reason = GenerationEnd.END_OF_TEXT;
                break;
            }
            // Append the token's bytes to the completion.
            generated++;
            completion.writeBytes(tokenizer.tokenBytes(next));
            text = completeUtf8(completion.toByteArray());
            // A stop sequence, even one that arrived across several tokens, ends the text just before it.
            int stop = StopSequences.firstIndex(text, params.stopSequences());
            if (stop >= 0) {
                text = text.substring(0, stop);
                reason = GenerationEnd.STOP;
                break;
            }
            // Out of budget, or no position left in the context window.
            if (generated == params.maxTokens() || cache.length() == contextLength) {
                reason = GenerationEnd.LENGTH;
                break;
            }
            // Read the new token at the next position: one position of work against the cache.
            logits = model.append(cache, new int[]{next});
        }
        long end = System.nanoTime();
        return new GenerationResult(text, promptIds.length, generated, reason, seed, (prefilled - start) / 1e6,
                (end - prefilled) / 1e6);
    }

    /** The ids the model reads for a prompt: its tokens, or end-of-text alone for an empty prompt. */
    public int[] promptIds(String prompt) {
        int[] ids = tokenizer.encode(Objects.requireNonNull(prompt, "prompt"));
        if (ids.length == 0) {
            // GPT-2 starts every document with end-of-text: an empty prompt is an unconditional sample.
            int endOfText = tokenizer.endOfTextId();
            ids = new int[]{endOfText >= 0 ? endOfText : 0};
        }
        return ids;
    }

    /**
     * The logits [vocabSize] for the token after {@code promptIds}: what {@link #generate} samples its first
     * token from.
     *
     * @throws PromptTooLongException if the prompt has more tokens than the context length
     */
    public float[] nextTokenLogits(int[] promptIds) {
        requireFits(promptIds);
        return model.append(model.newCache(promptIds.length), promptIds);
    }

    /**
     * The attention weights of every layer and head over the prompt's first {@code maxTokens} tokens (and never
     * more than the context length), under the causal mask: what the heads look at, for inspection.
     */
    public AttentionMap attention(String prompt, int maxTokens) {
        if (maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens must be at least 1, got " + maxTokens);
        }
        int[] all = promptIds(prompt);
        int n = Math.min(all.length, Math.min(maxTokens, model.config().contextLength()));
        int[] ids = Arrays.copyOf(all, n);
        GptConfig c = model.config();
        AttentionCollector collector = new AttentionCollector(c.layers(), c.heads(), n);
        model.append(model.newCache(n), ids, collector);
        return collector.map(ids, n < all.length, true);
    }

    private void requireFits(int[] promptIds) {
        if (promptIds.length > model.config().contextLength()) {
            throw new PromptTooLongException(promptIds.length, model.config().contextLength());
        }
    }

    /**
     * The text of the bytes up to the last complete UTF-8 character: a character whose bytes are split across
     * tokens shows up once its last byte arrives, never as a replacement character in between.
     */
    static String completeUtf8(byte[] bytes) {
        int end = bytes.length;
        // Look back at most 3 bytes for the lead byte of a character that is still missing continuation bytes.
        for (int back = 1; back <= Math.min(3, bytes.length); back++) {
            int b = bytes[bytes.length - back] & 0xFF;
            if ((b & 0xC0) == 0x80) {
                continue; // a continuation byte: keep looking for its lead
            }
            int need = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
            if (need > back) {
                end = bytes.length - back;
            }
            break;
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }
}
