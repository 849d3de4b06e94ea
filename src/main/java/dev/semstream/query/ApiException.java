package dev.semstream.query;

/**
 * A request the API answers with an error status and a JSON body {@code {"error": ..., "message": ...}}:
 * {@code error} is a stable code for programs, {@code message} says what is wrong for people.
 */
public final class ApiException extends RuntimeException {
    private final int status;
    private final String error;

    public ApiException(int status, String error, String message) {
        super(message);
        this.status = status;
        this.error = error;
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

    public int status() {
        return status;
    }

    public String error() {
        return error;
    }
}
