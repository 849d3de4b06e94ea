package dev.semstream.query;

import dev.semstream.store.Scores;

import dev.semstream.avro.Embedding;
import dev.semstream.store.QueryableIndexes;
import dev.semstream.store.SearchHit;
import dev.semstream.store.SearchRequest;
import dev.semstream.store.VectorIndex;
import dev.semstream.topology.EmbedderConfig;
import dev.semstream.topology.EmbeddingRecords;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Searches this instance's partitions: the index of every partition it owns and has restored, and, for a
 * stale read, also the stores of its standby replicas and of partitions still restoring, by an exact scan
 * (they have no index: no processor runs on them).
 */
final class LocalSearch {
    private final String instance;
    private final QueryableIndexes indexes;
    private final KafkaStreams streams;

    LocalSearch(String instance, QueryableIndexes indexes, KafkaStreams streams) {
        this.instance = instance;
        this.indexes = indexes;
        this.streams = streams;
    }

    LocalAnswer search(SearchRequest request, boolean stale) {
        Map<Integer, VectorIndex> live = indexes.snapshot();
        List<List<SearchHit>> lists = new ArrayList<>();
        SortedSet<Integer> partitions = new TreeSet<>();
        SortedSet<Integer> stalePartitions = new TreeSet<>();
        for (Map.Entry<Integer, VectorIndex> e : live.entrySet()) {
            lists.add(e.getValue().search(request));
            partitions.add(e.getKey());
        }
        if (stale) {
            for (int p : localPartitionsWithoutIndex(live.keySet())) {
                List<SearchHit> hits = scanStore(p, request);
                if (hits != null) {
                    lists.add(hits);
                    partitions.add(p);
                    stalePartitions.add(p);
                }
            }
        }
        return new LocalAnswer(instance, HitOrder.topK(lists, request.metric(), request.k(), null), partitions,
                stalePartitions);
    }

    /** Partitions this instance holds a store of (standby, or active but restoring) and has no index for. */
    private SortedSet<Integer> localPartitionsWithoutIndex(java.util.Set<Integer> indexed) {
        SortedSet<Integer> out = new TreeSet<>();
        for (ThreadMetadata thread : streams.metadataForLocalThreads()) {
            for (TaskMetadata task : thread.standbyTasks()) {
                out.add(task.taskId().partition());
            }
            for (TaskMetadata task : thread.activeTasks()) {
                out.add(task.taskId().partition());
            }
        }
        out.removeAll(indexed);
        return out;
    }

    /** An exact scan of one partition's store, or null if that store cannot be read now. */
    private List<SearchHit> scanStore(int partition, SearchRequest request) {
        ReadOnlyKeyValueStore<String, Embedding> store;
        try {
            store = streams.store(StoreQueryParameters.fromNameAndType(EmbedderConfig.VECTOR_STORE,
                    QueryableStoreTypes.<String, Embedding>keyValueStore()).enableStaleStores().withPartition(partition));
        } catch (InvalidStateStoreException notReadable) {
            return null;
        }
        float[] query = request.query();
        PriorityQueue<SearchHit> worstFirst = new PriorityQueue<>(HitOrder.of(request.metric()).reversed());
        try (KeyValueIterator<String, Embedding> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, Embedding> kv = it.next();
                Embedding e = kv.value;
                if (!e.getModelId().equals(request.modelId()) || !matches(e.getMetadata(), request.filters())) {
                    continue;
                }
                float[] v = EmbeddingRecords.vector(e);
                if (v.length != query.length) {
                    continue; // the caller checked the query against the model; a row that is off is skipped
                }
                worstFirst.add(new SearchHit(e.getId(), (float) Scores.score(request.metric(), query, v), e.getModelId(),
                        e.getMetadata(), e.getText(), request.includeVectors() ? v : null));
                if (worstFirst.size() > request.k()) {
                    worstFirst.poll();
                }
            }
        } catch (InvalidStateStoreException movedAway) {
            return null;
        }
        return new ArrayList<>(worstFirst).stream().sorted(HitOrder.of(request.metric())).toList();
    }

    private static boolean matches(Map<String, String> metadata, Map<String, String> filters) {
        for (Map.Entry<String, String> f : filters.entrySet()) {
            if (!f.getValue().equals(metadata.get(f.getKey()))) {
                return false;
            }
        }
        return true;
    }
}
