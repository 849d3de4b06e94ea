package dev.semstream.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.util.Map;

/**
 * One answer of the API: status, content type, body and any headers the status calls for; or, for a
 * route that keeps its response open (server-sent events), the stream that writes the body itself.
 */
record ApiReply(int status, String contentType, byte[] body, Map<String, String> headers, Stream stream) {
    static final String JSON = "application/json";

    /** A body written over time, once the status and headers have been set: the route owns the response then. */
    interface Stream {
        /** Writes to {@code response} as it likes, without blocking, and completes {@code done} when it ends. */
        void open(Response response, Callback done);
    }

    ApiReply(int status, String contentType, byte[] body, Map<String, String> headers) {
        this(status, contentType, body, headers, null);
    }

    /** A 200 whose body {@code stream} writes. */
    static ApiReply streaming(String contentType, Stream stream) {
        return new ApiReply(200, contentType, new byte[0], Map.of(), stream);
    }

    static ApiReply json(int status, JsonNode body) {
        return new ApiReply(status, JSON, Json.bytes(body), Map.of());
    }

    static ApiReply error(ApiException e) {
        return error(e.status(), e.error(), e.getMessage(), e.headers());
    }

    /** The one error contract: {@code {"error": code, "message": for people, "status": the HTTP status}}. */
    static ApiReply error(int status, String error, String message, Map<String, String> headers) {
        ObjectNode body = Json.newObject();
        body.put("error", error);
        body.put("message", message);
        body.put("status", status);
        return new ApiReply(status, JSON, Json.bytes(body), headers);
    }
}
