package dev.semstream.model;

/** How one vector is made from a text's token vectors. */
public enum Pooling {
    /** Average of every token's vector (sentence-transformers' default, and all-MiniLM-L6-v2's). */
    MEAN,
    /** The vector of the first token, {@code [CLS]} (bge and other CLS-trained models). */
    CLS
}
