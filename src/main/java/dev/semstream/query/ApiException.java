package dev.semstream.query;

import java.util.Map;

/**
 * A request the API answers with an error status and a JSON body {@code {"error": ..., "message": ...}}:
 * {@code error} is a stable code for programs, {@code message} says what is wrong for people.
 */
public final class ApiException extends RuntimeException {
    private final int status;
    private final String error;
    /** Response headers the status calls for, e.g. {@code Allow} with a 405. */
    private final Map<String, String> headers;

    public ApiException(int status, String error, String message) {
        this(status, error, message, Map.of());
    }

    private ApiException(int status, String error, String message, Map<String, String> headers) {
        super(message);
        this.status = status;
        this.error = error;
        this.headers = Map.copyOf(headers);
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, "bad_request", message);
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, "not_found", message);
    }

    public static ApiException unavailable(String message) {
        return new ApiException(503, "unavailable", message);
    }

    public static ApiException forbidden(String message) {
        return new ApiException(403, "forbidden", message);
    }

    /** A 401 that tells the client how to authenticate. */
    public static ApiException unauthorized(String message) {
        return new ApiException(401, "unauthorized", message, Map.of("WWW-Authenticate", "Bearer realm=\"semstream\""));
    }

    /** A 405 with the {@code Allow} header HTTP requires. */
    public static ApiException methodNotAllowed(String method, String allowed) {
        return new ApiException(405, "method_not_allowed", method + " is not allowed here; use " + allowed,
                Map.of("Allow", allowed));
    }

    public int status() {
        return status;
    }

    public String error() {
        return error;
    }

    public Map<String, String> headers() {
        return headers;
    }
}
