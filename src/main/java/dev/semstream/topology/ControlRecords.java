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

    public static String build(ModelBuild b) {
        ObjectNode o = JSON.createObjectNode();
        o.put("location", b.location());
        o.put("requestedAt", b.requestedAt());
        o.put("partitions", b.partitions());
        o.put("keep", b.keep());
        o.put("graceMs", b.graceMs());
        return o.toString();
    }

    static String progressKey(int partition) {
        return PROGRESS + partition;
    }

    static String progress(BuildProgress p) {
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

    static String retired(long dropAt) {
        return JSON.createObjectNode().put("dropAt", dropAt).toString();
    }

    public static String keptKey(String model) {
        return KEPT + model;
    }

    static String kept(String location) {
        return JSON.createObjectNode().put("location", location).toString();
    }

    /** The state after one record; keys this version does not know are ignored (a newer writer's). */
    public static ControlState apply(ControlState s, String key, String value) {
        JsonNode v = value == null ? null : parse(value);
        if (key.equals(ACTIVE)) {
            ActiveModel a = v == null ? null : new ActiveModel(v.get("model").asText(), v.get("location").asText(),
                    v.path("since").asLong(), v.hasNonNull("previous") ? v.get("previous").asText() : null);
            return new ControlState(a, s.build(), s.progress(), s.retired(), s.kept());
        }
        if (key.equals(BUILD)) {
            ModelBuild b = v == null ? null : new ModelBuild(v.get("location").asText(), v.get("requestedAt").asLong(),
                    v.get("partitions").asInt(), v.path("keep").asBoolean(false), v.path("graceMs").asLong());
            return new ControlState(s.active(), b, s.progress(), s.retired(), s.kept());
        }
        if (key.startsWith(PROGRESS)) {
            Map<Integer, BuildProgress> progress = new HashMap<>(s.progress());
            int partition = Integer.parseInt(key.substring(PROGRESS.length()));
            if (v == null) {
                progress.remove(partition);
            } else {
                progress.put(partition, new BuildProgress(v.get("model").asText(), v.get("requestedAt").asLong(),
                        v.get("done").asLong(), v.get("total").asLong(), v.get("caughtUp").asBoolean(),
                        v.path("at").asLong()));
            }
            return new ControlState(s.active(), s.build(), Map.copyOf(progress), s.retired(), s.kept());
        }
        if (key.startsWith(RETIRED)) {
            Map<String, Long> retired = new HashMap<>(s.retired());
            String model = key.substring(RETIRED.length());
            if (v == null) {
                retired.remove(model);
            } else {
                retired.put(model, v.get("dropAt").asLong());
            }
            return new ControlState(s.active(), s.build(), s.progress(), Map.copyOf(retired), s.kept());
        }
        if (key.startsWith(KEPT)) {
            Map<String, String> kept = new HashMap<>(s.kept());
            String model = key.substring(KEPT.length());
            if (v == null) {
                kept.remove(model);
            } else {
                kept.put(model, v.get("location").asText());
            }
            return new ControlState(s.active(), s.build(), s.progress(), s.retired(), Map.copyOf(kept));
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
