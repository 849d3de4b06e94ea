package dev.semstream.cli;

import dev.semstream.app.Endpoints;
import dev.semstream.topology.ControlRecords;
import dev.semstream.topology.ControlState;
import dev.semstream.topology.ControlState.ActiveModel;
import dev.semstream.topology.ControlState.Cancellation;
import dev.semstream.topology.ControlState.ModelBuild;
import dev.semstream.topology.ControlTopic;
import dev.semstream.topology.ModelControl;
import dev.semstream.topology.ReembedProgress;
import dev.semstream.topology.ReembedRate;
import dev.semstream.topology.TopicDefinitions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code semstream reembed}: asks the running pipeline to re-embed every stored text with another model
 * beside the active one, prints progress until every instance has switched to it, and drops or keeps the
 * old one. Talks to the cluster only (the control topic), so it works with any number of instances.
 */
@Command(name = "reembed", mixinStandardHelpOptions = true,
        description = "Re-embed every stored text with another model while the pipeline serves, then switch to it.")
final class ReembedCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    @Mixin
    ClusterOptions cluster;

    @Option(names = "--model", paramLabel = "MODEL",
            description = "The model to switch to: a bundled model's name or a checkpoint DIR, which must exist on every instance.")
    String model;

    @Option(names = "--keep", description = "Keep the old model live after the switch (embedded inline, queried by name) until --drop.")
    boolean keep;

    @Option(names = "--grace", paramLabel = "DURATION", defaultValue = "10m",
            description = "How long the old model's vectors stay queryable after the switch (e.g. 30s, 10m, 2h, PT10M; default: ${DEFAULT-VALUE}).")
    String grace;

    @Option(names = "--no-wait", description = "Ask for the re-embedding and return at once.")
    boolean noWait;

    @Option(names = "--status", description = "Print the active model and the re-embedding's progress once.")
    boolean status;

    @Option(names = "--drop", paramLabel = "MODEL", description = "Drop a kept (or retired) model's vectors now.")
    String drop;

    @Option(names = "--cancel", description = "Cancel the re-embedding in progress: every instance stops it and drops "
            + "the new model's vectors; the active model stays. Too late after the switch: reembed back instead.")
    boolean cancel;

    @Option(names = "--timeout", paramLabel = "DURATION", description = "Give up waiting after this long (default: wait until the switch).")
    String timeout;

    @Option(names = "--topic-prefix", paramLabel = "PREFIX", description = "Topic name prefix (default: semstream).")
    String topicPrefix;

    private static final Duration POLL = Duration.ofSeconds(1);

    @Override
    public Integer call() throws InterruptedException {
        int modes = (model != null ? 1 : 0) + (status ? 1 : 0) + (drop != null ? 1 : 0) + (cancel ? 1 : 0);
        if (modes != 1) {
            throw new ParameterException(spec.commandLine(), "give exactly one of --model, --status, --drop or --cancel");
        }
        Endpoints endpoints = cluster.resolve();
        Map<String, Object> props = cluster.clientProperties(endpoints);
        TopicDefinitions topics = TopicDefinitions.load(topicPrefix);
        ControlTopic control = new ControlTopic(props, topics.name("control"));
        if (status) {
            main.stdout.println(statusLine(control.read()));
            return 0;
        }
        if (cancel) {
            return cancel(control);
        }
        if (drop != null) {
            control.write(ControlRecords.keptKey(drop), null);
            control.write(ControlRecords.retiredKey(drop), ControlRecords.retired(System.currentTimeMillis()));
            main.stdout.println("dropping " + drop);
            return 0;
        }
        String location = ModelControl.location(model);
        ControlState now = control.read();
        if (now.active() != null && now.active().location().equals(location)) {
            main.stdout.println(now.active().model() + " (" + location + ") is active already");
            return 0;
        }
        long requestedAt = control.requestBuild(location, topics.name("texts"), keep, duration(grace, "--grace"));
        main.stdout.println("re-embedding into " + location + (keep ? ", keeping " : ", then retiring ")
                + (now.active() == null ? "the active model" : now.active().model()));
        if (noWait) {
            return 0;
        }
        long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + duration(timeout, "--timeout").toNanos();
        ReembedRate rate = new ReembedRate();
        while (System.nanoTime() < deadline) {
            ControlState s = control.read();
            ActiveModel active = s.active();
            if (active != null && active.location().equals(location) && active.since() >= requestedAt) {
                main.stdout.println("switched: " + active.model() + " is the active model");
                return 0;
            }
            if (s.wasCancelled(requestedAt)) {
                main.stdout.println("the re-embedding was cancelled (reembed --cancel); " + activeName(s) + " stays active");
                return 1;
            }
            if (s.build() == null || s.build().requestedAt() != requestedAt) {
                main.stdout.println("the re-embedding was replaced by another request");
                return 1;
            }
            main.stdout.println(progressLine(rate.observe(s, System.nanoTime())));
            main.stdout.flush();
            Thread.sleep(POLL.toMillis());
        }
        main.stdout.println("still re-embedding; the pipeline goes on (see reembed --status)");
        return 1;
    }

    /**
     * Cancels the build in progress, if there is one when the cancel reaches the topic: a switch (or another
     * request) that comes first on the topic wins, and every instance sees the same order.
     */
    private int cancel(ControlTopic control) {
        ControlState before = control.read();
        ModelBuild build = before.build();
        if (build == null) {
            throw new IllegalStateException(nothingToCancel(before));
        }
        control.write(ControlRecords.CANCEL, ControlRecords.cancel(build.requestedAt(), System.currentTimeMillis()));
        ControlState after = control.read();
        if (!after.wasCancelled(build.requestedAt())) {
            throw new IllegalStateException(after.build() != null
                    ? "the re-embedding into " + build.location() + " was replaced by another request (into "
                    + after.build().location() + ") before the cancel; run reembed --cancel again to cancel that one"
                    : nothingToCancel(after));
        }
        main.stdout.println("cancelled the re-embedding into " + build.location() + "; " + activeName(after)
                + " stays active" + (after.dropping().isEmpty() ? ""
                : ", and every instance drops the vectors of " + String.join(", ", after.dropping().keySet())));
        return 0;
    }

    /** Why {@code --cancel} has nothing to do: no build, or the last one switched already (then say how to go back). */
    static String nothingToCancel(ControlState s) {
        ActiveModel a = s.active();
        Cancellation c = s.cancelled();
        if (a != null && a.previous() != null && (c == null || a.since() > c.at())) {
            String back = s.kept().get(a.previous());
            return "no re-embedding is in progress to cancel: the last one switched to " + a.model() + " at "
                    + Instant.ofEpochMilli(a.since()) + ", too late to cancel; to go back, run reembed --model "
                    + (back != null ? back : "<the --model value of " + a.previous() + ">");
        }
        if (c != null) {
            return "no re-embedding is in progress to cancel: the one into " + c.location() + " was cancelled at "
                    + Instant.ofEpochMilli(c.at());
        }
        return "no re-embedding is in progress to cancel (active: " + activeName(s) + ")";
    }

    private static String activeName(ControlState s) {
        return s.active() == null ? "the active model" : s.active().model();
    }

    /** E.g. {@code 1,234 of 5,000 texts re-embedded into bge@1a2b (24%), 3 of 6 partitions caught up, 310 texts/s, ETA 12s}. */
    static String progressLine(ReembedRate.Reading r) {
        return r.progress().describe() + r.perSecond().map(v -> String.format(Locale.ROOT, ", %.0f texts/s, ETA %s", v,
                ProgressLine.duration(r.eta().orElse(null)))).orElse("");
    }

    static String statusLine(ControlState s) {
        StringBuilder out = new StringBuilder("active: ").append(s.active() == null ? "(none yet)"
                : s.active().model() + " (" + s.active().location() + ", since " + Instant.ofEpochMilli(s.active().since()) + ")");
        if (s.build() != null) {
            out.append("\nbuilding: ").append(ReembedProgress.of(s).describe());
        }
        Cancellation c = s.cancelled();
        if (c != null && s.build() == null && (s.active() == null || c.at() > s.active().since())) {
            out.append("\ncancelled: the re-embedding into ").append(c.location()).append(" at ")
                    .append(Instant.ofEpochMilli(c.at()));
            if (!s.dropping().isEmpty()) {
                out.append(", its vectors dropped (").append(String.join(", ", s.dropping().keySet())).append(")");
            }
        }
        s.kept().forEach((m, l) -> out.append("\nkept: ").append(m).append(" (").append(l).append(")"));
        s.retired().forEach((m, at) -> out.append("\nretired: ").append(m).append(", dropped at ")
                .append(Instant.ofEpochMilli(at)));
        return out.toString();
    }

    private Duration duration(String value, String flag) {
        try {
            if (value.toUpperCase(Locale.ROOT).startsWith("P")) {
                return Duration.parse(value);
            }
            long n = Long.parseLong(value.substring(0, value.length() - 1));
            return switch (value.charAt(value.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                default -> throw new NumberFormatException();
            };
        } catch (DateTimeParseException | NumberFormatException | StringIndexOutOfBoundsException e) {
            throw new ParameterException(spec.commandLine(), flag + " takes a duration like 30s, 10m, 2h or PT10M, not '"
                    + value + "'");
        }
    }
}
