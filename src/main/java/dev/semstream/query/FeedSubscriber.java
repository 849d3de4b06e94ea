package dev.semstream.query;

import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.IteratingCallback;

import java.nio.ByteBuffer;
import java.util.Set;

/**
 * One open {@code GET /feed}: its queue, and the writer that drains it with Jetty's asynchronous writes. At
 * most one write is in flight; when it completes the next batch goes out, and when the queue is empty the
 * writer idles until an event is offered. No thread waits on a client: a client that stops reading holds
 * only its queue (bounded) and its connection, and one that went away fails its next write (at the latest
 * the next ping) and is removed.
 */
final class FeedSubscriber extends IteratingCallback {
    private final FeedHub hub;
    private final Set<FeedKind> kinds;
    private final SubscriberQueue queue;
    private final Response response;
    private final Callback done;
    /** The retry field and the hello event, written before anything queued. */
    private ByteBuffer first;
    private int inFlight;
    private volatile boolean closing;
    private boolean ended;

    FeedSubscriber(FeedHub hub, Set<FeedKind> kinds, int capacity, ByteBuffer first, Response response, Callback done) {
        this.hub = hub;
        this.kinds = kinds;
        this.queue = new SubscriberQueue(capacity);
        this.first = first;
        this.response = response;
        this.done = done;
    }

    boolean wants(FeedEvent event) {
        return kinds.contains(event.kind());
    }

    /** Queues the event (or drops and counts it: the queue is full) and wakes the writer; never blocks. */
    boolean offer(FeedEvent event) {
        boolean queued = queue.offer(event);
        iterate();
        return queued;
    }

    /** Queues a replayed event before the writer starts. */
    void preload(FeedEvent event) {
        queue.offer(event);
    }

    void ping() {
        queue.ping();
        iterate();
    }

    /** Ends the response once what is queued is written (the server is closing). */
    void finish() {
        closing = true;
        iterate();
    }

    long dropped() {
        return queue.totalDropped();
    }

    @Override
    protected Action process() {
        if (ended) {
            return Action.SUCCEEDED;
        }
        if (first != null) {
            ByteBuffer bytes = first;
            first = null;
            response.write(false, bytes, this);
            return Action.SCHEDULED;
        }
        SubscriberQueue.Batch batch = queue.next();
        if (batch == null) {
            if (!closing) {
                return Action.IDLE;
            }
            ended = true;
            response.write(true, ByteBuffer.allocate(0), this);
            return Action.SCHEDULED;
        }
        inFlight = batch.events();
        response.write(false, batch.bytes(), this);
        return Action.SCHEDULED;
    }

    @Override
    protected void onSuccess() {
        hub.delivered(inFlight);
        inFlight = 0;
    }

    @Override
    protected void onCompleteSuccess() {
        hub.remove(this);
        done.succeeded();
    }

    @Override
    protected void onCompleteFailure(Throwable cause) {
        // The client went away, or stalled past the idle timeout: it is no longer a subscriber.
        hub.remove(this);
        done.failed(cause);
    }
}
