package dev.semstream.store;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The vector indexes of one instance, one per input partition it owns: the writer (the task that owns a
 * partition) registers its index once it is built and removes it when the task closes; readers (query
 * threads) take a snapshot. A partition absent here is not answered by this instance: it is owned
 * elsewhere, or still restoring.
 */
public final class PartitionIndexes {
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
