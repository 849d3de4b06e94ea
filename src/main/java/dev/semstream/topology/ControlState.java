package dev.semstream.topology;

import java.util.Map;
import java.util.TreeMap;

/**
 * What the control topic says now, read from its compacted records (see {@code schemas/control.md}):
 * the active model, the re-embedding in progress, each store partition's progress on it, the models
 * retired (dropped at a time) and kept. Immutable: {@link ModelControl} swaps in a new one per record.
 *
 * @param active   the model queries get and every text is embedded by, or null before the first start wrote it
 * @param build    the model being built beside the active one, or null
 * @param progress by store partition, as its task last reported on {@code build}
 * @param retired  by model: when its vectors are dropped (epoch ms)
 * @param kept     by model: its location; kept models are embedded inline and queried by name until dropped
 */
public record ControlState(ActiveModel active, ModelBuild build, Map<Integer, BuildProgress> progress,
                           Map<String, Long> retired, Map<String, String> kept) {
    public static final ControlState EMPTY = new ControlState(null, null, Map.of(), Map.of(), Map.of());

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
     * {@code progress:<partition>}: one store partition's re-embedding, from the task that owns it.
     *
     * @param done      the new model's vectors in the partition
     * @param total     the active model's vectors in the partition
     * @param caughtUp  every text of the partition has the new model's vector, and new ones get it inline
     */
    public record BuildProgress(String model, long requestedAt, long done, long total, boolean caughtUp, long at) {
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
