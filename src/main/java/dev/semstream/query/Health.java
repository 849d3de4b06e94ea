package dev.semstream.query;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.ThreadMetadata;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * What {@code /health} and {@code /ready} say, from what the instance knows: the Kafka Streams state and
 * its threads', probes of the registry and the broker (every {@link #PROBE_INTERVAL}, in the background,
 * so a health call costs nothing), and which partitions the last searches could not reach.
 *
 * <ul>
 * <li>{@code starting}: Kafka Streams is created or joining its group.</li>
 * <li>{@code restoring}: a stream thread is restoring its state stores from the changelog.</li>
 * <li>{@code running}: running, the registry and the broker answer, every partition answered.</li>
 * <li>{@code degraded}: running, but the registry or the broker is unreachable, or some partitions did not
 *     answer a search in the last {@link #UNANSWERED_WINDOW}.</li>
 * <li>{@code failed}: Kafka Streams stopped or is in error; only a restart helps.</li>
 * </ul>
 * Ready means {@code running}. Alive means anything but {@code failed}.
 */
final class Health implements AutoCloseable {
    static final Duration PROBE_INTERVAL = Duration.ofSeconds(2);
    static final Duration UNANSWERED_WINDOW = Duration.ofSeconds(30);

    enum Status {
        STARTING, RESTORING, RUNNING, DEGRADED, FAILED;

        String json() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A status and why. */
    record Verdict(Status status, List<String> reasons) {
        boolean ready() {
            return status == Status.RUNNING;
        }

        boolean alive() {
            return status != Status.FAILED;
        }
    }

    private final KafkaStreams streams;
    private final Reachability reachability;
    private final Supplier<FanOutSearch.Unanswered> unanswered;
    private final ScheduledExecutorService prober;
    private volatile Reachability.Probe registry = new Reachability.Probe("not probed yet", null);
    private volatile Reachability.Probe broker = new Reachability.Probe("not probed yet", null);

    Health(KafkaStreams streams, Reachability reachability, Supplier<FanOutSearch.Unanswered> unanswered) {
        this.streams = streams;
        this.reachability = reachability;
        this.unanswered = unanswered;
        this.prober = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "semstream-health-probe");
            t.setDaemon(true);
            return t;
        });
        prober.scheduleWithFixedDelay(this::probe, 0, PROBE_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void probe() {
        registry = reachability.registry();
        broker = reachability.broker();
    }

    Verdict verdict() {
        KafkaStreams.State state = streams.state();
        switch (state) {
            case CREATED -> {
                return new Verdict(Status.STARTING, List.of("Kafka Streams has not started"));
            }
            case REBALANCING -> {
                return restoring() ? new Verdict(Status.RESTORING, List.of("restoring state stores from the changelog"))
                        : new Verdict(Status.STARTING, List.of("joining the group and taking partitions"));
            }
            case RUNNING -> {
                List<String> reasons = new ArrayList<>();
                if (!registry.reachable()) {
                    reasons.add(registry.problem());
                }
                if (!broker.reachable()) {
                    reasons.add(broker.problem());
                }
                FanOutSearch.Unanswered missed = unanswered.get();
                if (missed.within(UNANSWERED_WINDOW)) {
                    reasons.add(missed.describe());
                }
                return reasons.isEmpty() ? new Verdict(Status.RUNNING, List.of())
                        : new Verdict(Status.DEGRADED, List.copyOf(reasons));
            }
            default -> {
                return new Verdict(Status.FAILED, List.of("Kafka Streams is " + state
                        + ": the embedder stopped; see the log for why, and restart"));
            }
        }
    }

    private boolean restoring() {
        try {
            for (ThreadMetadata thread : streams.metadataForLocalThreads()) {
                // A stream thread stays PARTITIONS_ASSIGNED until its active tasks' stores are restored.
                if ("PARTITIONS_ASSIGNED".equals(thread.threadState())) {
                    return true;
                }
            }
            return false;
        } catch (IllegalStateException changedMeanwhile) {
            return false; // the state moved on between the two reads; the next call sees the new one
        }
    }

    /** The verdict and the probes, as {@code /health} and {@code /ready} answer them. */
    ObjectNode write(Verdict verdict, ObjectNode into) {
        into.put("status", verdict.status().json());
        into.put("ready", verdict.ready());
        ArrayNode reasons = into.putArray("reasons");
        verdict.reasons().forEach(reasons::add);
        into.put("state", streams.state().name());
        ObjectNode checks = into.putObject("checks");
        write(checks.putObject("registry"), registry);
        write(checks.putObject("broker"), broker);
        return into;
    }

    private static void write(ObjectNode o, Reachability.Probe probe) {
        o.put("target", probe.target());
        o.put("reachable", probe.reachable());
        if (!probe.reachable()) {
            o.put("problem", probe.problem());
        }
    }

    @Override
    public void close() {
        prober.shutdownNow();
        try {
            prober.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        reachability.close();
    }
}
