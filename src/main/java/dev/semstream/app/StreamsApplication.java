package dev.semstream.app;

import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;

import java.time.Duration;
import java.util.Properties;

/**
 * One Kafka Streams application of the pipeline as a part: started, asked for its state and for why it
 * stopped, and closed leaving its group. The subclasses say what it runs and with which settings.
 */
abstract class StreamsApplication implements AutoCloseable {
    /** How long a close waits for the stream threads to commit and leave. */
    static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final String name;
    private final KafkaStreams streams;
    private volatile Throwable failure;

    /** @param name what it is to the user, for messages: "the embedder" */
    StreamsApplication(String name, Topology topology, Properties properties) {
        this.name = name;
        this.streams = new KafkaStreams(topology, properties);
        streams.setUncaughtExceptionHandler(e -> {
            failure = e;
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
    }

    /** Starts the stream threads; {@code onStopped} runs once they have stopped, by an error or a close. */
    final void start(Runnable onStopped) {
        streams.setStateListener((now, before) -> {
            if (hasStopped(now)) {
                onStopped.run();
            }
        });
        streams.start();
    }

    final String name() {
        return name;
    }

    final KafkaStreams.State state() {
        return streams.state();
    }

    /** Why a stream thread died, or null. */
    final Throwable failure() {
        return failure;
    }

    /** Throws, with the reason, if the application has stopped; a close stops it too. */
    final void requireNotStopped() {
        KafkaStreams.State state = streams.state();
        if (failure != null || hasStopped(state)) {
            throw new IllegalStateException(name + " stopped: " + state, failure);
        }
    }

    /** For what runs beside it: interactive queries and the HTTP API's view of the group. */
    final KafkaStreams streams() {
        return streams;
    }

    /**
     * Leaves the group on the way out, so the other instances take this one's partitions over now, not
     * after the session timeout (45 s) during which nobody would answer for them.
     */
    @Override
    public final void close() {
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(CLOSE_TIMEOUT));
    }

    private static boolean hasStopped(KafkaStreams.State state) {
        return state == KafkaStreams.State.ERROR || state == KafkaStreams.State.NOT_RUNNING;
    }
}
