package dev.semstream.store;

/**
 * A malformed request: k out of range, an unknown metric, a missing id, a vector with NaN in it. The
 * caller's mistake, whatever the index holds (an HTTP layer answers 400).
 */
public final class InvalidRequestException extends VectorStoreException {
    private static final long serialVersionUID = 1L;

    public InvalidRequestException(String message) {
        super(message);
    }
}
