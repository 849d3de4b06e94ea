package dev.semstream.query;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * One server-sent event, framed once and shared by every subscriber (each writes a read-only view of the
 * same bytes).
 *
 * @param kind  what it reports; null for the feed's own events (hello, dropped), which no filter removes
 * @param frame {@code id:}, {@code event:} and {@code data:} lines and the blank line that ends the event
 */
record FeedEvent(FeedKind kind, ByteBuffer frame) {
    /** Sent first, so a page that loses the connection retries in 2 s (the browser's default is 3). */
    static final FeedEvent RETRY = new FeedEvent(null, framed("retry: 2000\n\n"));
    /** A comment line: it keeps idle connections (and proxies) open and finds clients that went away. */
    static final FeedEvent PING = new FeedEvent(null, framed(": ping\n\n"));

    /** A data object whose first field is {@code kind}, as every event's is. */
    static ObjectNode data(String kind) {
        ObjectNode data = Json.newObject();
        data.put("kind", kind);
        return data;
    }

    /** A pipeline event, with its per-instance sequence number as the SSE id; its data came from {@link #data}. */
    static FeedEvent of(FeedKind kind, long id, ObjectNode data) {
        return new FeedEvent(kind, framed("id: " + id + "\nevent: " + kind.wireName() + "\ndata: " + data + "\n\n"));
    }

    /** One of the feed's own events (hello, dropped): no id, so a page's last event id stays the last real one. */
    static FeedEvent own(ObjectNode data) {
        return new FeedEvent(null, framed("event: " + data.get("kind").asText() + "\ndata: " + data + "\n\n"));
    }

    /** The frame's bytes, a view of its own so several writers can share them. */
    ByteBuffer bytes() {
        return frame.asReadOnlyBuffer();
    }

    int size() {
        return frame.remaining();
    }

    private static ByteBuffer framed(String text) {
        // One line per field: Jackson escapes line breaks inside JSON strings, so data is always one line.
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)).asReadOnlyBuffer();
    }
}
