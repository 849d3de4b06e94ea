package dev.semstream.query;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.semstream.metrics.ConsoleFeedMetrics;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The live feed of one instance: every event the tail saw goes to each subscriber that wants its kind,
 * and into a ring of the last {@link #REPLAY_CAPACITY} for a page that has just opened. Publishing never
 * waits on a subscriber (each has a bounded queue and its own writer), so the tail keeps up however slowly
 * its readers read.
 */
final class FeedHub implements AutoCloseable {
    static final int REPLAY_CAPACITY = 200;
    static final int DEFAULT_REPLAY = 50;
    static final int QUEUE_CAPACITY = 1024;
    static final Duration PING_INTERVAL = Duration.ofSeconds(15);

    private final int queueCapacity;
    private final ObjectNode hello;
    private final ConsoleFeedMetrics metrics;
    private final List<FeedSubscriber> subscribers = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService pings;
    /** Guards the ring and the sequence, so a new subscriber's replay and its live events neither overlap nor miss. */
    private final Object lock = new Object();
    private final ArrayDeque<FeedEvent> ring = new ArrayDeque<>(REPLAY_CAPACITY);
    private long sequence;
    private final Map<FeedKind, AtomicLong> seen = new EnumMap<>(FeedKind.class);
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();

    /**
     * @param hello the fields of the {@code hello} event besides kind and replayed: instance and topics
     */
    FeedHub(ObjectNode hello, int queueCapacity, Duration pingInterval, ConsoleFeedMetrics metrics) {
        this.hello = hello;
        this.queueCapacity = queueCapacity;
        this.metrics = metrics;
        for (FeedKind k : FeedKind.values()) {
            seen.put(k, new AtomicLong());
        }
        pings = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "semstream-feed-pings");
            t.setDaemon(true);
            return t;
        });
        pings.scheduleAtFixedRate(() -> subscribers.forEach(FeedSubscriber::ping), pingInterval.toMillis(),
                pingInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One event the tail saw; {@code data} came from {@link FeedEvent#data}. */
    void publish(FeedKind kind, ObjectNode data) {
        FeedEvent event;
        FeedSubscriber[] targets;
        synchronized (lock) {
            event = FeedEvent.of(kind, ++sequence, data);
            if (ring.size() == REPLAY_CAPACITY) {
                ring.poll();
            }
            ring.add(event);
            // Taken with the ring: a subscriber that opens after this has the event in its replay instead.
            targets = subscribers.toArray(new FeedSubscriber[0]);
        }
        seen.get(kind).incrementAndGet();
        for (FeedSubscriber s : targets) {
            if (s.wants(event) && !s.offer(event)) {
                dropped.incrementAndGet();
                metrics.dropped();
            }
        }
    }

    /** The route's stream: the response stays open, fed by this hub, until the client or the server closes it. */
    ApiReply.Stream subscribe(Set<FeedKind> kinds, int replay) {
        return (response, done) -> open(kinds, replay, response, done);
    }

    private void open(Set<FeedKind> kinds, int replay, Response response, Callback done) {
        FeedSubscriber subscriber;
        synchronized (lock) {
            List<FeedEvent> replayed = new ArrayList<>();
            for (FeedEvent e : ring) {
                if (kinds.contains(e.kind())) {
                    replayed.add(e);
                }
            }
            replayed = replayed.subList(Math.max(0, replayed.size() - replay), replayed.size());
            ObjectNode greeting = FeedEvent.data("hello");
            greeting.setAll(hello);
            greeting.put("replayed", replayed.size());
            ByteBuffer retry = FeedEvent.RETRY.bytes();
            ByteBuffer helloFrame = FeedEvent.own(greeting).bytes();
            ByteBuffer first = ByteBuffer.allocate(retry.remaining() + helloFrame.remaining());
            first.put(retry).put(helloFrame).flip();
            subscriber = new FeedSubscriber(this, kinds, queueCapacity, first, response, done);
            replayed.forEach(subscriber::preload);
            subscribers.add(subscriber);
        }
        metrics.subscribed(1);
        subscriber.iterate();
    }

    void delivered(int events) {
        delivered.addAndGet(events);
    }

    void remove(FeedSubscriber subscriber) {
        if (subscribers.remove(subscriber)) {
            metrics.subscribed(-1);
        }
    }

    int subscribers() {
        return subscribers.size();
    }

    /** {@code GET /feed/stats}. */
    ObjectNode stats() {
        ObjectNode out = Json.newObject();
        out.put("subscribers", subscribers.size());
        out.put("delivered", delivered.get());
        out.put("dropped", dropped.get());
        ObjectNode kinds = out.putObject("seen");
        seen.forEach((k, n) -> kinds.put(k.wireName(), n.get()));
        return out;
    }

    /** Ends every subscriber's response once what it has queued is written; stops the pings. */
    @Override
    public void close() {
        pings.shutdownNow();
        subscribers.forEach(FeedSubscriber::finish);
    }
}
