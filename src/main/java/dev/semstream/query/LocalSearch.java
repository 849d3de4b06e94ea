package dev.semstream.query;

import dev.semstream.store.ExactSearch;
import dev.semstream.store.IndexConfig;
import dev.semstream.store.QueryableIndexes;
import dev.semstream.store.SearchHit;
import dev.semstream.store.SearchRequest;
import dev.semstream.store.VectorIndex;
import dev.semstream.topology.VectorStoreReader;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Searches this instance's partitions: the index of every partition it owns and has restored, and, for a
 * stale read, also the stores of its standby replicas and of partitions still restoring. Those have no
 * index (no processor runs on them), so their entries are searched as an index of the model
 * would search them exactly: the same scores, order and rules as an indexed partition's exact answer.
 */
final class LocalSearch {
    private final String instance;
    private final QueryableIndexes indexes;
    private final VectorStoreReader stores;

    LocalSearch(String instance, QueryableIndexes indexes, VectorStoreReader stores) {
        this.instance = instance;
        this.indexes = indexes;
        this.stores = stores;
    }

    /** Over the request's model's vectors (the coordinator chose it, so every instance answers from the same one). */
    LocalAnswer search(SearchRequest request, boolean stale) {
        Map<Integer, VectorIndex> live = indexes.snapshot(request.modelId());
        // What a partition's index of the model holds: its vectors, of the query's dimension.
        IndexConfig partitionIndex = IndexConfig.of(request.modelId(), request.query().length);
        List<List<SearchHit>> lists = new ArrayList<>();
        SortedSet<Integer> partitions = new TreeSet<>();
        SortedSet<Integer> stalePartitions = new TreeSet<>();
        for (Map.Entry<Integer, VectorIndex> e : live.entrySet()) {
            lists.add(e.getValue().search(request));
            partitions.add(e.getKey());
        }
        if (stale) {
            SortedSet<Integer> withoutIndex = stores.localPartitions();
            withoutIndex.removeAll(live.keySet());
            for (int p : withoutIndex) {
                Optional<List<SearchHit>> hits = stores.scanPartition(p, request.modelId(),
                        entries -> ExactSearch.search(partitionIndex, entries, request));
                if (hits.isPresent()) {
                    lists.add(hits.get());
                    partitions.add(p);
                    stalePartitions.add(p);
                }
            }
        }
        return new LocalAnswer(instance, HitOrder.topK(lists, request.metric(), request.k(), null), partitions,
                stalePartitions);
    }
}
