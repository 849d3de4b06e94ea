package dev.semstream.train;

/** Training cannot start, go on or resume; the message says why and, where there is one, what to change. */
public final class TrainingException extends RuntimeException {
    public TrainingException(String message) {
        super(message);
    }

    public TrainingException(String message, Throwable cause) {
        super(message, cause);
    }
}
