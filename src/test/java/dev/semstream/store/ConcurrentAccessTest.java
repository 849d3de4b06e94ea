package dev.semstream.store;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One writer upserting, replacing and deleting (and crossing the compaction line several times) while
 * readers search. Every answer a reader gets must be a consistent state of the index: no id whose delete
 * had returned before the search began, no vector paired with another version's metadata, scores that
 * are the hit's vector's true scores, k hits whenever k exist. The writer does a fixed amount of work;
 * the deadline only catches a deadlock.
 */
class ConcurrentAccessTest {
    private static final String MODEL = "test-model@1";
    private static final int DIM = 32;
    private static final int PERMANENT = 300;
    private static final int CHURN = 200;
    private static final int DOOMED = 400;
    private static final int WRITES = 4000;
    private static final int READERS = 3;
    private static final int K = 20;

    @Test
    void readersSeeOnlyWholeWritesWhileOneWriterChurns() throws Exception {
        VectorIndex index = new VectorIndex(IndexConfig.of(MODEL, DIM).withCompaction(0.2, 50));
        for (int i = 0; i < PERMANENT; i++) {
            index.upsert("p" + i, vectorOf("p" + i, 0), MODEL, Map.of("kind", "permanent", "version", "0"), null);
        }
        for (int i = 0; i < DOOMED; i++) {
            index.upsert("d" + i, vectorOf("d" + i, 0), MODEL, Map.of("kind", "doomed", "version", "0"), null);
        }
        Set<String> deletedForGood = ConcurrentHashMap.newKeySet();
        Queue<String> failures = new ConcurrentLinkedQueue<>();
        AtomicBoolean writerDone = new AtomicBoolean();
        AtomicInteger searches = new AtomicInteger();

        ExecutorService pool = Executors.newFixedThreadPool(READERS + 1);
        try {
            Future<?> writer = pool.submit(() -> {
                try {
                    Random rnd = new Random(1);
                    int[] versions = new int[CHURN];
                    int doomed = 0;
                    for (int w = 0; w < WRITES; w++) {
                        int op = rnd.nextInt(10);
                        if (op < 6) {
                            int c = rnd.nextInt(CHURN);
                            String id = "c" + c;
                            int v = ++versions[c];
                            index.upsert(id, vectorOf(id, v), MODEL, Map.of("kind", "churn", "version", "" + v), null);
                        } else if (op < 8) {
                            index.delete("c" + rnd.nextInt(CHURN));
                        } else if (doomed < DOOMED) {
                            String id = "d" + doomed++;
                            index.delete(id);
                            deletedForGood.add(id); // after delete returned: later searches must not see it
                        }
                    }
                } finally {
                    writerDone.set(true);
                }
            });
            List<Future<?>> readers = new ArrayList<>();
            for (int r = 0; r < READERS; r++) {
                long seed = 100 + r;
                readers.add(pool.submit(() -> read(index, seed, deletedForGood, writerDone, failures, searches)));
            }
            writer.get(2, TimeUnit.MINUTES);
            for (Future<?> r : readers) {
                r.get(2, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(List.of(), List.copyOf(failures).subList(0, Math.min(5, failures.size())),
                failures.size() + " inconsistent answers");
        assertTrue(index.stats().compactions() >= 1, "the writer never compacted: " + index.stats());
        assertTrue(searches.get() >= READERS, "readers ran " + searches.get() + " searches");
    }

    private static void read(VectorIndex index, long seed, Set<String> deletedForGood, AtomicBoolean writerDone,
                             Queue<String> failures, AtomicInteger searches) {
        Random rnd = new Random(seed);
        do {
            Set<String> deletedBefore = Set.copyOf(deletedForGood);
            Metric metric = Metric.values()[rnd.nextInt(3)];
            float[] q = vectorOf("query", rnd.nextInt());
            boolean churnOnly = rnd.nextInt(4) == 0;
            SearchRequest request = SearchRequest.of(q, MODEL, K, metric).withExact(rnd.nextBoolean())
                    .withIncludeVectors(true).withFilters(churnOnly ? Map.of("kind", "churn") : Map.of());
            List<SearchHit> hits = index.search(request);
            searches.incrementAndGet();
            String context = metric + (request.exact() ? " exact" : " hnsw") + (churnOnly ? " churn" : "") + ": ";
            if (!churnOnly && hits.size() != K) {
                failures.add(context + hits.size() + " hits, " + K + " exist");
            }
            double previous = metric.higherIsBetter() ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
            for (SearchHit h : hits) {
                if (deletedBefore.contains(h.id())) {
                    failures.add(context + "deleted " + h.id() + " returned");
                }
                if (churnOnly && !"churn".equals(h.metadata().get("kind"))) {
                    failures.add(context + h.id() + " does not match the filter");
                }
                float[] expected = vectorOf(h.id(), Integer.parseInt(h.metadata().get("version")));
                if (!java.util.Arrays.equals(expected, h.vector())) {
                    failures.add(context + h.id() + " carries another version's vector");
                }
                double truth = BruteForce.score(metric, q, h.vector());
                if (Math.abs(truth - h.score()) > 1e-4) {
                    failures.add(context + h.id() + " scored " + h.score() + ", truth " + truth);
                }
                boolean inOrder = metric.higherIsBetter() ? truth <= previous + 1e-4 : truth >= previous - 1e-4;
                if (!inOrder) {
                    failures.add(context + "hits out of order at " + h.id());
                }
                previous = truth;
            }
        } while (!writerDone.get());
    }

    /** A vector determined by id and version, so a reader can tell which version a hit carries. */
    private static float[] vectorOf(String id, int version) {
        Random rnd = new Random(id.hashCode() * 1_000_003L + version);
        float[] v = new float[DIM];
        for (int i = 0; i < DIM; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        return v;
    }
}
