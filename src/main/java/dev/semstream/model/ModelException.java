package dev.semstream.model;

/** A model that cannot be loaded or run: missing file, malformed weights, a config the engine can't run. */
public class ModelException extends RuntimeException {
    public ModelException(String message) {
        super(message);
    }

    public ModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
