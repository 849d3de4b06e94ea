package dev.semstream.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Map;

/** One answer of the API: status, content type, body and any headers the status calls for. */
record ApiReply(int status, String contentType, byte[] body, Map<String, String> headers) {
    static final String JSON = "application/json";

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
