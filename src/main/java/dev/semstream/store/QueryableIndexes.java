package dev.semstream.store;

import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The registry of the vector indexes this instance answers queries from, one per model and input partition
 * it owns: the writer (the task that owns a partition, which keeps each model's index in step with its
 * store) registers each index it builds and removes it when the task closes; readers (query threads) take a
 * snapshot. A partition absent here is not answered from an index by this instance: it is owned elsewhere,
 * or still restoring.
 *
 * <p>Two models have indexes side by side while a re-embedding builds the new one (and while the old one
 * is kept or in its grace period). Which model queries get when they name none is the active one, which
 * the instance's model control sets; until it does, the only model registered.
 */
public final class QueryableIndexes {
    private final Map<String, Map<Integer, VectorIndex>> byModel = new ConcurrentHashMap<>();
    private volatile String active;

    public void register(String modelId, int partition, VectorIndex index) {
        byModel.computeIfAbsent(modelId, m -> new ConcurrentHashMap<>()).put(partition, index);
    }

    /** Removes the partition's index if it is still this one (a new owner may have registered its own). */
    public void unregister(String modelId, int partition, VectorIndex index) {
        Map<Integer, VectorIndex> partitions = byModel.get(modelId);
        if (partitions != null) {
            partitions.remove(partition, index);
        }
    }

    /** Queries that name no model get this one's indexes from now on. */
    public void activate(String modelId) {
        active = modelId;
    }

    /** The model queries get when they name none, or null while no index is registered and none is activated. */
    public String activeModel() {
        String a = active;
        if (a != null) {
            return a;
        }
        SortedSet<String> models = models();
        return models.isEmpty() ? null : models.first();
    }

    /** The models with an index on this instance. */
    public SortedSet<String> models() {
        SortedSet<String> out = new TreeSet<>();
        byModel.forEach((model, partitions) -> {
            if (!partitions.isEmpty()) {
                out.add(model);
            }
        });
        return out;
    }

    /** The active model's indexes now answering, by partition. */
    public SortedMap<Integer, VectorIndex> snapshot() {
        String a = activeModel();
        return a == null ? new TreeMap<>() : snapshot(a);
    }

    /** The model's indexes now answering, by partition. */
    public SortedMap<Integer, VectorIndex> snapshot(String modelId) {
        Map<Integer, VectorIndex> partitions = byModel.get(modelId);
        return partitions == null ? new TreeMap<>() : new TreeMap<>(partitions);
    }
}
