package dev.semstream.model;

/**
 * One completion and what it cost.
 *
 * @param text             the generated text, without the prompt, the end-of-text token or a stop sequence
 * @param promptTokens     tokens the model read before generating (1 for an empty prompt: the end-of-text
 *                         token GPT-2 starts a document with)
 * @param completionTokens tokens generated, those of a stop sequence included, the end-of-text token not
 * @param finishReason     why generation ended
 * @param seed             the seed of the draws: the request's, or the fresh one chosen; repeats the completion
 * @param prefillMillis    tokenizing the prompt and reading it in one batch, up to the first logits
 * @param generationMillis sampling and reading the generated tokens, one position each
 */
public record GenerationResult(String text, int promptTokens, int completionTokens, GenerationEnd finishReason,
                               long seed, double prefillMillis, double generationMillis) {

    /** Generated tokens per second of generation time (0 when nothing was generated). */
    public double tokensPerSecond() {
        return completionTokens == 0 || generationMillis <= 0 ? 0 : completionTokens * 1000.0 / generationMillis;
    }
}
