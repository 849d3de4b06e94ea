package dev.semstream.query;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.HostInfo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One question to every instance of the application at once: the others over HTTP, all in flight while
 * this one answers in process, each under one deadline. An instance that fails or misses it is an answer
 * with an error, never an exception, so the caller can say what is missing.
 */
final class EveryInstance {
    /** One instance's answer: {@code value} or, if it did not answer, {@code error}. */
    record Answer<T>(StreamsMetadata instance, boolean self, T value, String error) {
        boolean answered() {
            return error == null;
        }

        String address() {
            return PeerClient.address(instance.hostInfo());
        }
    }

    private EveryInstance() {
    }

    /**
     * @param local  this instance's answer, computed in the calling thread
     * @param remote the call to another instance
     */
    static <T> List<Answer<T>> ask(KafkaStreams streams, HostInfo self, Supplier<T> local,
                                   Function<HostInfo, CompletableFuture<T>> remote, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<StreamsMetadata, CompletableFuture<T>> calls = new LinkedHashMap<>();
        StreamsMetadata mine = null;
        for (StreamsMetadata instance : streams.metadataForAllStreamsClients()) {
            if (instance.hostInfo().equals(self)) {
                mine = instance;
            } else {
                calls.put(instance, remote.apply(instance.hostInfo()));
            }
        }
        List<Answer<T>> answers = new ArrayList<>();
        if (mine != null) {
            answers.add(new Answer<>(mine, true, local.get(), null));
        }
        for (Map.Entry<StreamsMetadata, CompletableFuture<T>> call : calls.entrySet()) {
            try {
                long left = Math.max(0, deadline - System.nanoTime());
                answers.add(new Answer<>(call.getKey(), false, call.getValue().get(left, TimeUnit.NANOSECONDS), null));
            } catch (Exception failed) {
                call.getValue().cancel(true);
                answers.add(new Answer<>(call.getKey(), false, null, isTimeout(failed)
                        ? "no answer within " + timeout.toMillis() + " ms" : rootMessage(failed)));
            }
        }
        return answers;
    }

    /**
     * Our wait ran out, or the HTTP client's own request timeout (set to the same deadline) fired first:
     * which one wins the race differs between JDKs, and both mean the same to the user.
     */
    static boolean isTimeout(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof java.util.concurrent.TimeoutException || c instanceof java.net.http.HttpTimeoutException) {
                return true;
            }
        }
        return false;
    }

    static String rootMessage(Throwable t) {
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
