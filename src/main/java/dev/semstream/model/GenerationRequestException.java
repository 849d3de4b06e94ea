package dev.semstream.model;

/**
 * A completion request that cannot be served as asked: invalid sampling parameters, or a prompt that does
 * not fit the model. The request's fault, not the model's: retrying it unchanged fails the same way.
 */
public class GenerationRequestException extends IllegalArgumentException {
    public GenerationRequestException(String message) {
        super(message);
    }
}
