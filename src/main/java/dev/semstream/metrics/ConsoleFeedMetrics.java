package dev.semstream.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The console's live feed: {@code semstream_console_feed_subscribers} (pages reading it now) and
 * {@code semstream_console_feed_dropped_total} (events not sent to a subscriber whose queue was full).
 */
public final class ConsoleFeedMetrics {
    private final AtomicInteger subscribers = new AtomicInteger();
    private final Counter dropped;

    ConsoleFeedMetrics(MeterRegistry registry) {
        Gauge.builder("semstream.console.feed.subscribers", subscribers, AtomicInteger::get)
                .description("Open GET /feed connections on this instance").register(registry);
        dropped = Meters.counter(registry, "semstream.console.feed.dropped",
                "Feed events dropped for a subscriber whose queue was full");
    }

    /** @param change +1 when a subscriber opens, -1 when it goes */
    public void subscribed(int change) {
        subscribers.addAndGet(change);
    }

    public void dropped() {
        dropped.increment();
    }
}
