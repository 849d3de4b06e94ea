package dev.semstream.store;

/** A request the vector store refuses; the message says why in words a user can act on. */
public abstract class VectorStoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    VectorStoreException(String message) {
        super(message);
    }
}
