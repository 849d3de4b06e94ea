package dev.semstream.model;

/**
 * Why the generator stopped. The completions topic's {@code dev.semstream.avro.FinishReason} has a value of the
 * same name for each, and ERROR besides, for a prompt refused before any token was generated.
 */
public enum GenerationEnd {
    /** A stop sequence appeared; the text ends just before it. */
    STOP,
    /** The max new tokens were generated, or the context window is full. */
    LENGTH,
    /** The model produced its end-of-text token, which is not part of the text. */
    END_OF_TEXT
}
