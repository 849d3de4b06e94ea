package dev.semstream.app;

/**
 * Closing a run of parts in the order given, every one of them even when one before it fails, so a
 * failure stopping the HTTP API still stops the broker. Null parts (not started, or not configured) are
 * skipped.
 */
final class Closing {
    private Closing() {
    }

    /** Closes each part; then throws the first failure, with the later ones suppressed on it. */
    static void inOrder(AutoCloseable... parts) {
        RuntimeException first = null;
        for (AutoCloseable part : parts) {
            try {
                close(part);
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** After {@code failure} stopped a start: closes each part, keeping its own failures on {@code failure}. */
    static void afterFailure(RuntimeException failure, AutoCloseable... parts) {
        try {
            inOrder(parts);
        } catch (RuntimeException closing) {
            failure.addSuppressed(closing);
        }
    }

    private static void close(AutoCloseable part) {
        if (part == null) {
            return;
        }
        try {
            part.close();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("cannot close " + part + ": " + e.getMessage(), e);
        }
    }
}
