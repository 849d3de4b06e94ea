package dev.semstream.query;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;
import java.util.Map;

/**
 * Jetty's own errors (an unparsable request line, a bad {@code Content-Length}, headers over the limit,
 * an ambiguous path such as {@code //search}) in the API's JSON error contract instead of an HTML page.
 */
final class JsonErrorHandler extends ErrorHandler {
    @Override
    public boolean errorPageForMethod(String method) {
        return true; // a DELETE's error gets its JSON body too
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) {
        ApiReply reply = reply(code, message);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, reply.contentType());
        response.write(true, ByteBuffer.wrap(reply.body()), callback);
    }

    /** Errors found while parsing, before there is a request to hand to {@link #generateResponse}. */
    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        ApiReply reply = reply(status, reason);
        fields.put(HttpHeader.CONTENT_TYPE, reply.contentType());
        return ByteBuffer.wrap(reply.body());
    }

    private static ApiReply reply(int status, String message) {
        String error = switch (status) {
            case 400 -> "bad_request";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 408 -> "request_timeout";
            case 413 -> "body_too_large";
            case 414 -> "uri_too_long";
            case 431 -> "headers_too_large";
            case 500 -> "internal";
            case 503 -> "unavailable";
            default -> "http_" + status;
        };
        String text = message == null || message.isBlank() ? HttpStatus.getMessage(status) : message;
        return ApiReply.error(status, error, "the request could not be read: " + text, Map.of());
    }
}
