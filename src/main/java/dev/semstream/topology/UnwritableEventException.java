package dev.semstream.topology;

/**
 * A text event the input topic's format cannot carry as it is (metadata on plain-text input): refused
 * before anything is sent, rather than written with part of it silently dropped.
 */
public final class UnwritableEventException extends IllegalArgumentException {
    public UnwritableEventException(String message) {
        super(message);
    }
}
