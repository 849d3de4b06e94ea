package dev.semstream.tokenize;

/** Turns text into model token ids. Implementations are immutable and thread-safe. */
public interface Tokenizer {
    /**
     * Encodes one text, keeping at most {@code maxTokens} ids (special tokens included).
     *
     * @throws NullPointerException     if text is null
     * @throws IllegalArgumentException if maxTokens is too small to hold the special tokens
     */
    Encoding encode(String text, int maxTokens);
}
