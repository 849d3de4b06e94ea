package dev.semstream.query;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * The events waiting for one feed subscriber, at most {@code capacity}: a subscriber that reads slowly
 * loses events (counted) instead of holding memory or slowing the others. Once it has caught up, it is told
 * how many it lost with a {@code dropped} event. Thread-safe: the tail offers, the writer takes.
 */
final class SubscriberQueue {
    /** Frames taken at once into one write; a few dozen events, so a busy feed is not one write per event. */
    static final int MAX_BATCH_BYTES = 32 * 1024;

    /** What the writer sends next: the bytes and how many of the pipeline's events they carry. */
    record Batch(ByteBuffer bytes, int events) {
    }

    private final int capacity;
    private final ArrayDeque<FeedEvent> events = new ArrayDeque<>();
    private long droppedSinceReport;
    private long totalDropped;
    private boolean pingDue;

    SubscriberQueue(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive, got " + capacity);
        }
        this.capacity = capacity;
    }

    /** Adds the event, or, when {@code capacity} are waiting, drops and counts it; false when dropped. */
    synchronized boolean offer(FeedEvent event) {
        if (events.size() >= capacity) {
            droppedSinceReport++;
            totalDropped++;
            return false;
        }
        events.add(event);
        return true;
    }

    /** Asks for a ping, sent only when nothing else is waiting (any write keeps the connection alive). */
    synchronized void ping() {
        pingDue = true;
    }

    /**
     * The next write: waiting events (up to {@link #MAX_BATCH_BYTES}, at least one), then, once none is left,
     * the {@code dropped} report if events were lost; a ping if there is nothing else and one is due; null when
     * there is nothing to send.
     */
    synchronized Batch next() {
        ByteBuffer out = null;
        int taken = 0;
        int bytes = 0;
        for (FeedEvent e : events) {
            if (taken > 0 && bytes + e.size() > MAX_BATCH_BYTES) {
                break;
            }
            bytes += e.size();
            taken++;
        }
        FeedEvent report = null;
        if (taken == events.size() && droppedSinceReport > 0) {
            report = droppedReport();
            bytes += report.size();
        }
        if (bytes == 0) {
            if (!pingDue) {
                return null;
            }
            pingDue = false;
            return new Batch(FeedEvent.PING.bytes(), 0);
        }
        out = ByteBuffer.allocate(bytes);
        int pipelineEvents = 0;
        for (int i = 0; i < taken; i++) {
            FeedEvent e = events.poll();
            out.put(e.bytes());
            if (e.kind() != null) {
                pipelineEvents++;
            }
        }
        if (report != null) {
            out.put(report.bytes());
            droppedSinceReport = 0;
        }
        pingDue = false;
        return new Batch(out.flip(), pipelineEvents);
    }

    synchronized long totalDropped() {
        return totalDropped;
    }

    synchronized int waiting() {
        return events.size();
    }

    private FeedEvent droppedReport() {
        var data = FeedEvent.data("dropped");
        data.put("dropped", droppedSinceReport);
        data.put("totalDropped", totalDropped);
        return FeedEvent.own(data);
    }
}
