package dev.semstream.model;

/**
 * Told how long the two stages of one {@link Encoder#embed(java.util.List, BatchTimings)} call took, so
 * the caller can time them apart (monitoring) without the model knowing where the figures go.
 */
@FunctionalInterface
public interface BatchTimings {
    /** For callers that do not time the stages. */
    BatchTimings NONE = (tokenizeNanos, encodeNanos) -> { };

    /**
     * @param tokenizeNanos tokenizing every text of the batch
     * @param encodeNanos   the forward pass and pooling of the whole batch
     */
    void record(long tokenizeNanos, long encodeNanos);
}
