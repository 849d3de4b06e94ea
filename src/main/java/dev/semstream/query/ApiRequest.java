package dev.semstream.query;

import com.fasterxml.jackson.databind.JsonNode;
import dev.semstream.topology.RecordLimits;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/** A request as the routes read it: method, raw path, query parameters and a bounded JSON body. */
final class ApiRequest {
    /**
     * Largest request body: a search with a vector is ~8 KB, an ingest of 1,000 short texts well under this;
     * one text of this size still fits a record of the input topic (see {@link RecordLimits}).
     */
    static final int MAX_BODY_BYTES = RecordLimits.MAX_BODY_BYTES;
    /** How much of an oversized body is read and dropped so its sender sees the 413. */
    private static final long DRAIN_LIMIT_BYTES = 64L << 20;

    private final Request request;

    ApiRequest(Request request) {
        this.request = request;
    }

    String method() {
        return request.getMethod();
    }

    /** The path as sent, percent-encoded. */
    String rawPath() {
        return request.getHttpURI().getPath();
    }

    /** A query parameter, decoded; null when absent. */
    String queryParameter(String name) {
        String query = request.getHttpURI().getQuery();
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            if (key.equals(name)) {
                return eq < 0 ? "" : decode(pair.substring(eq + 1), "query parameter '" + name + "'");
            }
        }
        return null;
    }

    /** Percent-decodes a path segment or parameter; a malformed escape is the client's error, a 400. */
    static String decode(String raw, String what) {
        try {
            return URLDecoder.decode(raw, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("the " + what + " is not valid percent-encoding: " + e.getMessage());
        }
    }

    void requireMethod(String allowed) {
        if (!method().equals(allowed)) {
            throw ApiException.methodNotAllowed(method(), allowed);
        }
    }

    /** The JSON body of a POST, at most {@link #MAX_BODY_BYTES}. */
    JsonNode postBody() throws IOException {
        requireMethod("POST");
        String declared = request.getHeaders().get(HttpHeader.CONTENT_LENGTH);
        try (InputStream in = Request.asInputStream(request)) {
            byte[] body = readUpTo(in, MAX_BODY_BYTES + 1);
            if (body.length > MAX_BODY_BYTES) {
                // Read the rest (up to a bound) before answering: a client still sending when the server
                // closes gets a connection reset instead of the 413 and its message.
                drain(in);
                throw new ApiException(413, "body_too_large", "the request body is "
                        + (declared != null ? declared.trim() + " bytes" : "over the limit")
                        + "; the limit is " + MAX_BODY_BYTES + " bytes");
            }
            return Json.parse(body);
        }
    }

    /**
     * The body's first {@code limit} bytes. A body that ends before its {@code Content-Length}, or whose chunks
     * do not parse, is the client's error (a 400), not the server's: Jetty reports both as an EOF.
     */
    private static byte[] readUpTo(InputStream in, int limit) {
        try {
            return in.readNBytes(limit);
        } catch (IOException e) {
            throw ApiException.badRequest("the request body could not be read: it ended early or its chunks are"
                    + " malformed (" + e.getMessage() + ")");
        }
    }

    private static void drain(InputStream in) throws IOException {
        byte[] scratch = new byte[64 * 1024];
        long left = DRAIN_LIMIT_BYTES;
        for (int n; left > 0 && (n = in.read(scratch, 0, (int) Math.min(scratch.length, left))) > 0; ) {
            left -= n;
        }
    }
}
