package dev.semstream.model;

/** Why a completion ended. */
public enum FinishReason {
    /** A stop sequence appeared; the text ends just before it. */
    STOP,
    /** The max new tokens were generated, or the context window is full. */
    LENGTH,
    /** The model produced its end-of-text token, which is not part of the text. */
    END_OF_TEXT
}
