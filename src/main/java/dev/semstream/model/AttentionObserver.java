package dev.semstream.model;

/**
 * Sees the attention weights the engine computes: every post-softmax probability row, as {@link Attention}
 * uses it to mix the values. For inspection (the console's attention view); the pipeline passes none, and
 * without one attention costs and computes exactly what it did.
 *
 * <p>Called from the threads that run the heads, concurrently for different heads and texts, so an
 * implementation must be thread-safe (writing each row into its own slot of a preallocated array is).
 */
@FunctionalInterface
public interface AttentionObserver {
    /**
     * One query's weights: {@code probabilities[offset + j]} for key j in [0, keys), summing to 1. Only the
     * keys the query may see are given; under the causal mask that is keys 0 to {@code query}. The array is
     * the engine's scratch: copy what is needed before returning.
     *
     * @param layer    the block, from 0
     * @param sequence the text within the batch (the encoder packs several), from 0; 0 for the decoder
     * @param head     the head, from 0
     * @param query    the query's position within its text (for the decoder, its absolute position)
     */
    void weights(int layer, int sequence, int head, int query, float[] probabilities, int offset, int keys);
}
