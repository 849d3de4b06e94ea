package dev.semstream.topology;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.semstream.topology.ControlState.ActiveModel;
import dev.semstream.topology.ControlState.BuildProgress;
import dev.semstream.topology.ControlState.ModelBuild;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The control topic's records, keys and JSON values, written and read in this one place (the contract is
 * {@code schemas/control.md}). A null value is a tombstone: the key's record is gone.
 */
public final class ControlRecords {
    public static final String ACTIVE = "active";
    public static final String BUILD = "build";
    public static final String CANCEL = "cancel";
    static final String PROGRESS = "progress:";
    static final String RETIRED = "retired:";
    static final String KEPT = "kept:";
    private static final ObjectMapper JSON = new ObjectMapper();

    private ControlRecords() {
    }

    public static String active(ActiveModel a) {
        ObjectNode o = JSON.createObjectNode();
        o.put("model", a.model());
        o.put("location", a.location());
        o.put("since", a.since());
        o.put("previous", a.previous());
        return o.toString();
    }

    /**
     * The switch's {@code active}: names the build it completes, so a switch that crossed a cancel of that
     * build on the topic (its task had not read the cancel yet) is ignored by every instance alike.
     */
    static String switched(ActiveModel a, long build) {
        return withBuild(active(a), build);
    }

    public static String build(ModelBuild b) {
        ObjectNode o = JSON.createObjectNode();
        o.put("location", b.location());
        o.put("requestedAt", b.requestedAt());
        o.put("partitions", b.partitions());
        o.put("keep", b.keep());
        o.put("graceMs", b.graceMs());
        return o.toString();
    }

    public static String progressKey(int partition) {
        return PROGRESS + partition;
    }

    public static String progress(BuildProgress p) {
        ObjectNode o = JSON.createObjectNode();
        o.put("model", p.model());
        o.put("requestedAt", p.requestedAt());
        o.put("done", p.done());
        o.put("total", p.total());
        o.put("caughtUp", p.caughtUp());
        o.put("at", p.at());
        return o.toString();
    }

    public static String retiredKey(String model) {
        return RETIRED + model;
    }

    public static String retired(long dropAt) {
        return JSON.createObjectNode().put("dropAt", dropAt).toString();
    }

    /** The switch's {@code retired:<old>}, naming its build (see {@link #switched}). */
    static String retired(long dropAt, long build) {
        return withBuild(retired(dropAt), build);
    }

    public static String keptKey(String model) {
        return KEPT + model;
    }

    public static String kept(String location) {
        return JSON.createObjectNode().put("location", location).toString();
    }

    /** The switch's {@code kept:<old>}, naming its build (see {@link #switched}). */
    static String kept(String location, long build) {
        return withBuild(kept(location), build);
    }

    /** {@code reembed --cancel}: the build requested at {@code requestedAt} is cancelled. */
    public static String cancel(long requestedAt, long at) {
        return JSON.createObjectNode().put("requestedAt", requestedAt).put("at", at).toString();
    }

    private static String withBuild(String json, long build) {
        return ((ObjectNode) parse(json)).put("build", build).toString();
    }

    /** The state after one record; keys this version does not know are ignored (a newer writer's). */
    public static ControlState apply(ControlState s, String key, String value) {
        JsonNode v = value == null ? null : parse(value);
        if (v != null && v.has("build") && s.wasCancelled(v.get("build").asLong())) {
            // A switch to a build cancelled before it on the topic: the cancel won, the active model stays.
            return s;
        }
        if (key.equals(ACTIVE)) {
            ActiveModel a = v == null ? null : new ActiveModel(v.get("model").asText(), v.get("location").asText(),
                    v.path("since").asLong(), v.hasNonNull("previous") ? v.get("previous").asText() : null);
            if (a != null && s.dropping().containsKey(a.model())) {
                // Built again since its cancel and switched to: its vectors are the active ones now.
                Map<String, Long> dropping = new HashMap<>(s.dropping());
                dropping.remove(a.model());
                s = s.withDropping(dropping);
            }
            return s.withActive(a);
        }
        if (key.equals(BUILD)) {
            ModelBuild b = v == null ? null : new ModelBuild(v.get("location").asText(), v.get("requestedAt").asLong(),
                    v.get("partitions").asInt(), v.path("keep").asBoolean(false), v.path("graceMs").asLong());
            return s.withBuild(b);
        }
        if (key.equals(CANCEL)) {
            // Only the build it names: one switched or replaced before the cancel reached the topic stays as it is.
            boolean current = v != null && s.build() != null && s.build().requestedAt() == v.get("requestedAt").asLong();
            return current ? s.cancel(v.get("at").asLong()) : s;
        }
        if (key.startsWith(PROGRESS)) {
            Map<Integer, BuildProgress> progress = new HashMap<>(s.progress());
            int partition = Integer.parseInt(key.substring(PROGRESS.length()));
            if (v == null) {
                progress.remove(partition);
                return s.withProgress(progress);
            }
            BuildProgress p = new BuildProgress(v.get("model").asText(), v.get("requestedAt").asLong(),
                    v.get("done").asLong(), v.get("total").asLong(), v.get("caughtUp").asBoolean(), v.path("at").asLong());
            progress.put(partition, p);
            s = s.withProgress(progress);
            if (s.wasCancelled(p.requestedAt()) && !s.dropping().containsKey(p.model())) {
                // A task that had not read the cancel yet, and wrote vectors of the model: they go too.
                Map<String, Long> dropping = new HashMap<>(s.dropping());
                dropping.put(p.model(), s.cancelled().at());
                s = s.withDropping(dropping);
            }
            return s;
        }
        if (key.startsWith(RETIRED)) {
            Map<String, Long> retired = new HashMap<>(s.retired());
            String model = key.substring(RETIRED.length());
            if (v == null) {
                retired.remove(model);
            } else {
                retired.put(model, v.get("dropAt").asLong());
            }
            return s.withRetired(retired);
        }
        if (key.startsWith(KEPT)) {
            Map<String, String> kept = new HashMap<>(s.kept());
            String model = key.substring(KEPT.length());
            if (v == null) {
                kept.remove(model);
            } else {
                kept.put(model, v.get("location").asText());
            }
            return s.withKept(kept);
        }
        return s;
    }

    private static JsonNode parse(String value) {
        try {
            return JSON.readTree(value);
        } catch (IOException e) {
            throw new UncheckedIOException("not a control record: " + value, e);
        }
    }
}
