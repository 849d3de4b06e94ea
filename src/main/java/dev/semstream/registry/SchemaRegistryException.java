package dev.semstream.registry;

/**
 * A request to the schema registry failed. Carries the HTTP status and the registry's own error code when
 * there was an answer (both 0 when the registry could not be reached), and the registry's base URL, so a log
 * line alone says which registry said what, e.g.
 * {@code schema registry http://127.0.0.1:8081/apis/ccompat/v7: subject 'x-value' not found (404, error 40401)}.
 */
public class SchemaRegistryException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final int errorCode;
    private final String registryUrl;
    private final String registryMessage;

    public SchemaRegistryException(String registryUrl, int status, int errorCode, String registryMessage, Throwable cause) {
        super(format(registryUrl, status, errorCode, registryMessage), cause);
        this.status = status;
        this.errorCode = errorCode;
        this.registryUrl = registryUrl;
        this.registryMessage = registryMessage;
    }

    public SchemaRegistryException(String registryUrl, int status, int errorCode, String registryMessage) {
        this(registryUrl, status, errorCode, registryMessage, null);
    }

    private static String format(String url, int status, int errorCode, String message) {
        StringBuilder s = new StringBuilder("schema registry ").append(url).append(": ").append(message);
        if (status != 0) {
            s.append(" (").append(status);
            if (errorCode != 0 && errorCode != status) s.append(", error ").append(errorCode);
            s.append(')');
        }
        return s.toString();
    }

    /** The HTTP status, or 0 if no answer came. */
    public int status() {
        return status;
    }

    /** The registry's {@code error_code} (e.g. 40401 subject not found), or 0 if it gave none. */
    public int errorCode() {
        return errorCode;
    }

    /** The base URL of the registry that failed. */
    public String registryUrl() {
        return registryUrl;
    }

    /** What went wrong, without the URL and codes. */
    public String registryMessage() {
        return registryMessage;
    }

    /** True if the registry says the subject, version or schema does not exist. */
    public boolean isNotFound() {
        return status == 404;
    }
}
