package dev.semstream.store;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The registry of the vector indexes this instance answers queries from, one per input partition it owns:
 * the writer (the task that owns a partition, which keeps the partition's index in step with its store)
 * registers each index it builds and removes it when the task closes; readers (query threads) take a
 * snapshot. A partition absent here is not answered from an index by this instance: it is owned elsewhere,
 * or still restoring.
 */
public final class QueryableIndexes {
    private final Map<Integer, VectorIndex> byPartition = new ConcurrentHashMap<>();

    public void register(int partition, VectorIndex index) {
        byPartition.put(partition, index);
    }

    /** Removes the partition's index if it is still this one (a new owner may have registered its own). */
    public void unregister(int partition, VectorIndex index) {
        byPartition.remove(partition, index);
    }

    /** The indexes now answering, by partition. */
    public SortedMap<Integer, VectorIndex> snapshot() {
        return new TreeMap<>(byPartition);
    }
}
