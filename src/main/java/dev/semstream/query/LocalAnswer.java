package dev.semstream.query;

import dev.semstream.store.SearchHit;

import java.util.List;
import java.util.SortedSet;

/**
 * One instance's answer to a search: its best hits over the partitions it searched.
 *
 * @param partitions      the input partitions whose vectors were searched
 * @param stalePartitions those of them answered from a standby replica or a restoring store
 */
record LocalAnswer(String instance, List<SearchHit> hits, SortedSet<Integer> partitions,
                   SortedSet<Integer> stalePartitions) {
}
