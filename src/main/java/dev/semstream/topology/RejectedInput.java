package dev.semstream.topology;

/** Why a record could not be embedded; the reason goes to the dead-letter topic in headers. */
public final class RejectedInput extends RuntimeException {
    /** Kinds of bad input, the value of the {@code semstream.error} header. */
    public enum Reason {
        UNDECODABLE, UNKNOWN_SCHEMA, INVALID_UTF8, MISSING_ID, BLANK_TEXT, TEXT_TOO_LARGE, ENCODER_FAILED,
        /** The record (or an output made from it) is larger than {@link RecordLimits} allow. */
        RECORD_TOO_LARGE
    }

    private final Reason reason;

    public RejectedInput(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public RejectedInput(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
