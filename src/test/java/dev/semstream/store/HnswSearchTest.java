package dev.semstream.store;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The approximate search: recall against the exact answer, filters, deletions. */
class HnswSearchTest {
    private static final String MODEL = "test-model@1";
    private static final int DIM = 384;
    private static final int N = 4000;
    private static final int QUERIES = 100;

    private static VectorIndex index;
    private static Map<String, VectorEntry> entries;
    private static float[][] queries;

    @BeforeAll
    static void build() {
        ClusteredVectors gen = new ClusteredVectors(DIM, 40, 0.6, 11);
        index = new VectorIndex(IndexConfig.of(MODEL, DIM));
        entries = new HashMap<>();
        for (int i = 0; i < N; i++) {
            // "shard" splits the set 50/50, "bucket" into tenths, "rare" marks 1%.
            VectorEntry e = new VectorEntry("v" + i, gen.next(), MODEL, Map.of("shard", "s" + (i % 2),
                    "bucket", "b" + (i % 10), "rare", i % 100 == 7 ? "yes" : "no"), null);
            entries.put(e.id(), e);
            index.upsert(e);
        }
        queries = gen.next(QUERIES);
    }

    @ParameterizedTest
    @EnumSource(Metric.class)
    void recallAtTenIsAtLeast95PercentAtDefaultParameters(Metric metric) {
        double recall = recall(metric, Map.of(), 10, 0);
        assertTrue(recall >= 0.95, metric + " recall@10 " + recall);
    }

    @Test
    void aWiderBeamDoesNotLoseRecall() {
        double narrow = recall(Metric.COSINE, Map.of(), 10, 10);
        double wide = recall(Metric.COSINE, Map.of(), 10, 200);
        assertTrue(wide >= narrow, "ef 200 recall " + wide + " < ef 10 recall " + narrow);
        assertTrue(wide >= 0.99, "ef 200 recall " + wide);
    }

    @ParameterizedTest
    @ValueSource(strings = {"shard=s1", "bucket=b3", "rare=yes", "shard=s0,bucket=b4"})
    void filteredSearchReturnsKMatchingHitsWithGoodRecall(String filterText) {
        Map<String, String> filter = new HashMap<>();
        for (String pair : filterText.split(",")) {
            String[] kv = pair.split("=");
            filter.put(kv[0], kv[1]);
        }
        long matching = entries.values().stream()
                .filter(e -> e.metadata().entrySet().containsAll(filter.entrySet())).count();
        for (float[] q : queries) {
            List<SearchHit> hits = index.search(SearchRequest.of(q, MODEL, 10, Metric.COSINE).withFilters(filter));
            assertEquals(Math.min(10, matching), hits.size(), "hits for " + filter);
            for (SearchHit h : hits) {
                assertTrue(h.metadata().entrySet().containsAll(filter.entrySet()), h.id() + " fails " + filter);
            }
        }
        double recall = recall(Metric.COSINE, filter, 10, 0);
        assertTrue(recall >= 0.95, "filtered recall@10 " + recall + " for " + filter);
    }

    @Test
    void deletedIdsAreNeverReturnedAndTheirNeighboursStillAre() {
        VectorIndex local = new VectorIndex(IndexConfig.of(MODEL, DIM).withCompaction(1.0, Integer.MAX_VALUE));
        Map<String, VectorEntry> kept = new HashMap<>();
        int i = 0;
        for (VectorEntry e : entries.values()) {
            if (i++ >= 1500) {
                break;
            }
            local.upsert(e);
            kept.put(e.id(), e);
        }
        // Delete every query's 20 nearest: the beam must route around (through) them to the rest.
        Set<String> deleted = new HashSet<>();
        for (float[] q : queries) {
            for (BruteForce.Scored s : BruteForce.topK(kept.values(), Metric.COSINE, q, 20, Map.of())) {
                if (deleted.add(s.id())) {
                    assertTrue(local.delete(s.id()));
                }
            }
        }
        deleted.forEach(kept::remove);
        assertEquals(kept.size(), local.size());
        int found = 0;
        for (float[] q : queries) {
            List<SearchHit> hits = local.search(SearchRequest.of(q, MODEL, 10, Metric.COSINE));
            assertEquals(10, hits.size());
            Set<String> truth = new HashSet<>();
            BruteForce.topK(kept.values(), Metric.COSINE, q, 10, Map.of()).forEach(s -> truth.add(s.id()));
            for (SearchHit h : hits) {
                assertFalse(deleted.contains(h.id()), "deleted " + h.id() + " returned");
                found += truth.contains(h.id()) ? 1 : 0;
            }
        }
        assertTrue(found >= 0.95 * 10 * queries.length, "recall after deletes " + found / (10.0 * queries.length));
    }

    private static double recall(Metric metric, Map<String, String> filter, int k, int ef) {
        int found = 0;
        int wanted = 0;
        for (float[] q : queries) {
            Set<String> truth = new HashSet<>();
            BruteForce.topK(entries.values(), metric, q, k, filter).forEach(s -> truth.add(s.id()));
            List<SearchHit> hits = index.search(SearchRequest.of(q, MODEL, k, metric).withEfSearch(ef)
                    .withFilters(filter));
            for (SearchHit h : hits) {
                found += truth.contains(h.id()) ? 1 : 0;
            }
            wanted += truth.size();
        }
        return found / (double) wanted;
    }
}
