package dev.semstream.query;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.semstream.metrics.ConsoleFeedMetrics;
import dev.semstream.topology.TopicDefinitions;
import org.apache.kafka.streams.state.HostInfo;

import java.util.Map;
import java.util.Set;

/** {@code GET /feed} and {@code GET /feed/stats}: this instance's tail of the pipeline and its subscribers. */
final class LiveFeed implements AutoCloseable {
    static final String CONTENT_TYPE = "text/event-stream; charset=utf-8";

    private final FeedHub hub;
    private final FeedTail tail;

    private LiveFeed(FeedHub hub, FeedTail tail) {
        this.hub = hub;
        this.tail = tail;
    }

    /** Starts tailing the pipeline's outputs from their ends now. */
    static LiveFeed start(HostInfo self, TopicDefinitions topics, Map<String, Object> clientProperties,
                          ConsoleFeedMetrics metrics, CurrentMapBasis basis) {
        ObjectNode hello = Json.newObject();
        hello.put("instance", self.host() + ":" + self.port());
        ObjectNode names = hello.putObject("topics");
        names.put("embeddings", topics.name("embeddings"));
        names.put("dlq", topics.name("dlq"));
        names.put("completions", topics.name("completions"));
        FeedHub hub = new FeedHub(hello, FeedHub.QUEUE_CAPACITY, FeedHub.PING_INTERVAL, metrics);
        FeedTail tail;
        try {
            tail = new FeedTail(clientProperties, topics.name("embeddings"), topics.name("dlq"),
                    topics.name("completions"), hub, basis::get);
        } catch (RuntimeException e) {
            hub.close();
            throw e;
        }
        tail.start();
        return new LiveFeed(hub, tail);
    }

    /** {@code GET /feed?kinds=..&replay=N}: the stream, after the guard and these checks passed. */
    ApiReply subscribe(ApiRequest request) {
        request.requireMethod("GET");
        Set<FeedKind> kinds = FeedKind.parse(request.queryParameter("kinds"));
        int replay = replay(request.queryParameter("replay"));
        return ApiReply.streaming(CONTENT_TYPE, hub.subscribe(kinds, replay));
    }

    ApiReply stats(ApiRequest request) {
        request.requireMethod("GET");
        return ApiReply.json(200, hub.stats());
    }

    private static int replay(String raw) {
        if (raw == null) {
            return FeedHub.DEFAULT_REPLAY;
        }
        try {
            int n = Integer.parseInt(raw.trim());
            if (n >= 0 && n <= FeedHub.REPLAY_CAPACITY) {
                return n;
            }
        } catch (NumberFormatException e) {
            // the message below
        }
        throw ApiException.badRequest("'replay' must be a whole number from 0 to " + FeedHub.REPLAY_CAPACITY
                + ", got '" + raw + "'");
    }

    /** Stops the tail (its thread joined), then ends every subscriber's response. */
    @Override
    public void close() {
        tail.close();
        hub.close();
    }
}
