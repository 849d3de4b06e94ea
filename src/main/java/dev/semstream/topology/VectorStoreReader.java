package dev.semstream.topology;

import dev.semstream.avro.Embedding;
import dev.semstream.store.VectorEntry;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.util.Iterator;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The embedder's vector store as the query API reads it, from outside the stream threads: where an id's
 * partition is, an id's stored embedding, which partitions' stores this instance holds, and one partition's
 * search entries. The store's name, its keys and how its records become search entries stay here, with
 * the topology that writes them.
 */
public final class VectorStoreReader {
    private final KafkaStreams streams;

    public VectorStoreReader(KafkaStreams streams) {
        this.streams = streams;
    }

    /** The instances that hold the partition of an id (keyed by id, as the API and {@code produce} key texts). */
    public KeyQueryMetadata whereIs(String id) {
        return streams.queryMetadataForKey(EmbedderConfig.VECTOR_STORE, id, new StringSerializer());
    }

    /**
     * The embedding of the model stored for an id on this instance, or null.
     *
     * @param stale also from standby replicas and stores still restoring
     * @throws InvalidStateStoreException if the store cannot be read now (restoring, or rebalancing)
     */
    public Embedding get(String modelId, String id, boolean stale) {
        return store(stale).get(VectorKeys.key(modelId, id));
    }

    /**
     * One model's vectors in this instance's partitions, by id: its active and restored ones, with
     * {@code stale} also its standby replicas and those still restoring.
     *
     * @throws InvalidStateStoreException if the store cannot be read now (restoring, or rebalancing)
     */
    public ReadOnlyKeyValueStore<String, Embedding> store(String modelId, boolean stale) {
        return new ModelStoreView(store(stale), modelId);
    }

    private ReadOnlyKeyValueStore<String, Embedding> store(boolean stale) {
        StoreQueryParameters<ReadOnlyKeyValueStore<String, Embedding>> params = parameters();
        return streams.store(stale ? params.enableStaleStores() : params);
    }

    /**
     * The partitions whose store this instance holds, as a new set: its active tasks' (restored or
     * restoring) and its standby replicas'.
     */
    public SortedSet<Integer> localPartitions() {
        SortedSet<Integer> out = new TreeSet<>();
        for (ThreadMetadata thread : streams.metadataForLocalThreads()) {
            for (TaskMetadata task : thread.standbyTasks()) {
                addIfStore(task, out);
            }
            for (TaskMetadata task : thread.activeTasks()) {
                addIfStore(task, out);
            }
        }
        return out;
    }

    /**
     * What {@code scan} makes of the search entries of one model in one partition's store on this instance, whether the
     * store is active, restoring or a standby replica (a stale read); empty if this instance cannot read that
     * store now: it holds none, or the partition moved away during the scan. The entries are read from the
     * store as {@code scan} asks for them, and the store's cursor is closed when it returns.
     */
    public <T> Optional<T> scanPartition(int partition, String modelId, Function<Iterator<VectorEntry>, T> scan) {
        try {
            ReadOnlyKeyValueStore<String, Embedding> store = streams.store(parameters().enableStaleStores()
                    .withPartition(partition));
            try (KeyValueIterator<String, Embedding> records = store.prefixScan(VectorKeys.prefix(modelId),
                    new StringSerializer())) {
                return Optional.of(scan.apply(new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        return records.hasNext();
                    }

                    @Override
                    public VectorEntry next() {
                        return EmbeddingRecords.entry(records.next().value);
                    }
                }));
            }
        } catch (InvalidStateStoreException notReadable) {
            return Optional.empty();
        }
    }

    /** The decode step's tasks have the same partition numbers but hold no vectors. */
    private static void addIfStore(TaskMetadata task, SortedSet<Integer> partitions) {
        if (task.taskId().subtopology() == EmbedderTopology.STORE_SUBTOPOLOGY) {
            partitions.add(task.taskId().partition());
        }
    }

    private static StoreQueryParameters<ReadOnlyKeyValueStore<String, Embedding>> parameters() {
        return StoreQueryParameters.fromNameAndType(EmbedderConfig.VECTOR_STORE, QueryableStoreTypes.keyValueStore());
    }
}
