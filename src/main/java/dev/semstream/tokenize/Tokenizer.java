package dev.semstream.tokenize;

import java.util.Optional;

/** Turns text into model token ids. Implementations are immutable and thread-safe. */
public interface Tokenizer {
    /**
     * Encodes one text, keeping at most {@code maxTokens} ids (special tokens included).
     *
     * @throws NullPointerException     if text is null
     * @throws IllegalArgumentException if maxTokens is too small to hold the special tokens
     */
    Encoding encode(String text, int maxTokens);

    /**
     * The vocabulary string of an id (e.g. {@code "##ing"}, {@code "[CLS]"}), if some token has it; empty for a
     * tokenizer that cannot name its pieces.
     */
    default Optional<String> tokenOf(int id) {
        return Optional.empty();
    }

    /** Whether the id is a special token, such as {@code [CLS]} or {@code [SEP]}, rather than a piece of text. */
    default boolean isSpecial(int id) {
        return false;
    }
}
