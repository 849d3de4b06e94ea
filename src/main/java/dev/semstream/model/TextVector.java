package dev.semstream.model;

/**
 * What the encoder makes of one text: its sentence embedding and how much of the text went into it. The
 * embeddings topic's record ({@code dev.semstream.avro.Embedding}) is built from this plus the text, its id
 * and the encoder's model id.
 *
 * @param vector     the pooled (and, by default, L2-normalised) vector
 * @param tokenCount tokens the model read, special tokens included
 * @param truncated  true when the text was longer than the encoder's max tokens and its tail was dropped
 */
public record TextVector(float[] vector, int tokenCount, boolean truncated) {
}
