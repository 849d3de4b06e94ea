package dev.semstream.model;

/**
 * One text's sentence embedding.
 *
 * @param vector     the pooled (and, by default, L2-normalised) vector
 * @param tokenCount tokens the model read, special tokens included
 * @param truncated  true when the text was longer than the encoder's max tokens and its tail was dropped
 */
public record Embedding(float[] vector, int tokenCount, boolean truncated) {
}
