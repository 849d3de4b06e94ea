package dev.semstream.embedded;

/** Finds the useful part of the exception chains Kafka's startup throws. */
final class Causes {

    private Causes() {
    }

    // Kafka wraps the real reason (a port in use, a full disk) in two or three layers of "fatal error".
    // The innermost cause says what; the one around it often says where too ("failed to bind to host:port").
    static String reason(Throwable e) {
        Throwable outer = null;
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            outer = cause;
            cause = cause.getCause();
        }
        if (cause.getMessage() == null) {
            return e.getMessage();
        }
        if (outer != null && outer.getMessage() != null && outer.getMessage().contains(cause.getMessage())) {
            return outer.getMessage();
        }
        return cause.getMessage();
    }

    static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (type.isInstance(cause)) {
                return true;
            }
        }
        return false;
    }
}
