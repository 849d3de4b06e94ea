package dev.semstream.topology;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the control topic says now, read from its compacted records (see {@code schemas/control.md}):
 * the active model, the re-embedding in progress, each store partition's progress on it, the models
 * retired (dropped at a time) and kept, and the last re-embedding cancelled with the models it had begun.
 * Immutable: {@link ModelControl} swaps in a new one per record.
 *
 * @param active   the model queries get and every text is embedded by, or null before the first start wrote it
 * @param build    the model being built beside the active one, or null
 * @param progress by store partition, as its task last reported on {@code build}
 * @param retired  by model: when its vectors are dropped (epoch ms)
 * @param kept     by model: its location; kept models are embedded inline and queried by name until dropped
 * @param cancelled the last build cancelled ({@code reembed --cancel}), or null
 * @param dropping  by model: when its build was cancelled; every task stops writing its vectors and deletes them
 *                  at once (no grace: it never answered a query that named no model)
 */
public record ControlState(ActiveModel active, ModelBuild build, Map<Integer, BuildProgress> progress,
                           Map<String, Long> retired, Map<String, String> kept, Cancellation cancelled,
                           Map<String, Long> dropping) {
    public static final ControlState EMPTY = new ControlState(null, null, Map.of(), Map.of(), Map.of(), null, Map.of());

    /** {@code active}: the model in charge. */
    public record ActiveModel(String model, String location, long since, String previous) {
    }

    /**
     * {@code build}: a re-embedding asked for.
     *
     * @param location   the {@code --model} value every instance loads the new model from
     * @param partitions how many store partitions must catch up before the switch
     * @param keep       keep the old model live after the switch, rather than drop it after {@code graceMs}
     */
    public record ModelBuild(String location, long requestedAt, int partitions, boolean keep, long graceMs) {
    }

    /**
     * {@code cancel}: the build requested at {@code requestedAt} (into {@code location}) was cancelled at {@code at}.
     */
    public record Cancellation(long requestedAt, String location, long at) {
    }

    /**
     * {@code progress:<partition>}: one store partition's re-embedding, from the task that owns it.
     *
     * @param done      the new model's vectors in the partition
     * @param total     the active model's vectors in the partition
     * @param caughtUp  every text of the partition has the new model's vector, and new ones get it inline
     */
    public record BuildProgress(String model, long requestedAt, long done, long total, boolean caughtUp, long at) {
    }

    ControlState withActive(ActiveModel a) {
        return new ControlState(a, build, progress, retired, kept, cancelled, dropping);
    }

    ControlState withBuild(ModelBuild b) {
        return new ControlState(active, b, progress, retired, kept, cancelled, dropping);
    }

    ControlState withProgress(Map<Integer, BuildProgress> p) {
        return new ControlState(active, build, Map.copyOf(p), retired, kept, cancelled, dropping);
    }

    ControlState withRetired(Map<String, Long> r) {
        return new ControlState(active, build, progress, Map.copyOf(r), kept, cancelled, dropping);
    }

    ControlState withKept(Map<String, String> k) {
        return new ControlState(active, build, progress, retired, Map.copyOf(k), cancelled, dropping);
    }

    ControlState withDropping(Map<String, Long> d) {
        return new ControlState(active, build, progress, retired, kept, cancelled, Map.copyOf(d));
    }

    /** The build cancelled: gone, and the models its partitions reported building are dropped. */
    ControlState cancel(long at) {
        Map<String, Long> drop = new HashMap<>(dropping);
        currentProgress().values().forEach(p -> drop.put(p.model(), at));
        return new ControlState(active, null, progress, retired, kept,
                new Cancellation(build.requestedAt(), build.location(), at), Map.copyOf(drop));
    }

    /** Whether the build requested at this time was cancelled (the last one cancelled). */
    public boolean wasCancelled(long requestedAt) {
        return cancelled != null && cancelled.requestedAt() == requestedAt;
    }

    /** The progress of every partition on the build in progress, by partition (reports on older builds left out). */
    public Map<Integer, BuildProgress> currentProgress() {
        Map<Integer, BuildProgress> out = new TreeMap<>();
        if (build != null) {
            progress.forEach((p, r) -> {
                if (r.requestedAt() == build.requestedAt()) {
                    out.put(p, r);
                }
            });
        }
        return out;
    }

    /** Whether every partition of the build has caught up with the model. */
    public boolean caughtUp(String model) {
        Map<Integer, BuildProgress> now = currentProgress();
        if (build == null || now.size() < build.partitions()) {
            return false;
        }
        for (BuildProgress p : now.values()) {
            if (!p.caughtUp() || !p.model().equals(model)) {
                return false;
            }
        }
        return true;
    }
}
