package dev.semstream.model;

/** What the encoder does with a text longer than its max tokens. */
public enum LongTexts {
    /** Read the first max tokens and flag the embedding as truncated (the default). */
    TRUNCATE,
    /**
     * Cut the text into windows of max tokens, embed each, and average the window vectors weighted by
     * their token counts: every token counts, at the price of one forward pass per window.
     */
    CHUNK_AVERAGE
}
