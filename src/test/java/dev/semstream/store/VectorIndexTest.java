package dev.semstream.store;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The index's contract: writes visible to the next read, model checks, validation, compaction, rebuild. */
class VectorIndexTest {
    private static final String MODEL = "all-MiniLM-L6-v2@f06bed2e54d1";

    private final VectorIndex index = new VectorIndex(IndexConfig.of(MODEL, 3));

    @Test
    void upsertIsVisibleToTheNextQueryAndReplacesTheVector() {
        index.upsert("a", new float[] {1, 0, 0}, MODEL, Map.of("lang", "en"), "alpha");
        index.upsert("b", new float[] {0, 1, 0}, MODEL, null, null);
        assertEquals(List.of("a"), ids(search(new float[] {1, 0.1f, 0}, 1, false)));
        index.upsert("a", new float[] {0, 0, 1}, MODEL, Map.of("lang", "de"), "alpha 2");
        assertEquals(2, index.size());
        for (boolean exact : new boolean[] {true, false}) {
            assertEquals(List.of("b", "a"), ids(search(new float[] {0, 1, 0.1f}, 2, exact)));
            assertEquals(List.of("a"), ids(index.search(SearchRequest.of(new float[] {1, 0, 0}, MODEL, 5,
                    Metric.COSINE).withExact(exact).withFilters(Map.of("lang", "de")))));
            assertEquals(List.of(), index.search(SearchRequest.of(new float[] {1, 0, 0}, MODEL, 5, Metric.COSINE)
                    .withExact(exact).withFilters(Map.of("lang", "en"))));
        }
        VectorEntry a = index.get("a").orElseThrow();
        assertArrayEquals(new float[] {0, 0, 1}, a.vector());
        assertEquals("alpha 2", a.text());
        assertEquals(1, index.stats().retired(), "the old vector of a is retired");
    }

    @Test
    void metadataOnlyChangeKeepsTheVectorInPlace() {
        index.upsert("a", new float[] {1, 2, 3}, MODEL, Map.of("v", "1"), "one");
        index.upsert("a", new float[] {1, 2, 3}, MODEL, Map.of("v", "2"), "two");
        assertEquals(0, index.stats().retired());
        SearchHit hit = search(new float[] {1, 2, 3}, 1, false).get(0);
        assertEquals(Map.of("v", "2"), hit.metadata());
        assertEquals("two", hit.text());
        assertTrue(index.search(SearchRequest.of(new float[] {1, 2, 3}, MODEL, 1, Metric.DOT)
                .withFilters(Map.of("v", "1"))).isEmpty(), "the old metadata still matched");
    }

    @Test
    void deleteIsVisibleToTheNextQuery() {
        index.upsert("a", new float[] {1, 0, 0}, MODEL, null, null);
        index.upsert("b", new float[] {0.9f, 0.1f, 0}, MODEL, null, null);
        assertTrue(index.delete("a"));
        assertFalse(index.delete("a"));
        assertFalse(index.delete("never"));
        assertEquals(1, index.size());
        assertTrue(index.get("a").isEmpty());
        for (boolean exact : new boolean[] {true, false}) {
            assertEquals(List.of("b"), ids(search(new float[] {1, 0, 0}, 10, exact)));
        }
        index.upsert("a", new float[] {1, 0, 0}, MODEL, null, null);
        assertEquals(List.of("a", "b"), ids(search(new float[] {1, 0, 0}, 10, false)));
    }

    @Test
    void vectorsOfAnotherModelOrDimensionAreRefused() {
        ModelMismatchException wrongModel = assertThrows(ModelMismatchException.class,
                () -> index.upsert("a", new float[] {1, 0, 0}, "bge-small@123", null, null));
        assertEquals("vector of id a is from model bge-small@123 with 3 dimensions, but this index holds model "
                + MODEL + " with 3 dimensions", wrongModel.getMessage());
        assertEquals(MODEL, wrongModel.expectedModelId());
        InvalidRequestException wrongDim = assertThrows(InvalidRequestException.class,
                () -> index.upsert("a", new float[] {1, 0}, MODEL, null, null));
        assertEquals("vector of id a has 2 dimensions, but model " + MODEL + " makes vectors of 3",
                wrongDim.getMessage());
        assertEquals(0, index.size());
        ModelMismatchException query = assertThrows(ModelMismatchException.class,
                () -> index.search(SearchRequest.of(new float[] {1, 0, 0}, "bge-small@123", 1, Metric.COSINE)));
        assertTrue(query.getMessage().startsWith("the query vector is from model bge-small@123"), query.getMessage());
        assertThrows(InvalidRequestException.class,
                () -> index.search(SearchRequest.of(new float[] {1, 0, 0, 0}, MODEL, 1, Metric.COSINE)));
    }

    @Test
    void malformedRequestsAreRefusedWithTheReason() {
        float[] q = {1, 0, 0};
        assertEquals("k must be between 1 and 1000, was 0", assertThrows(InvalidRequestException.class,
                () -> SearchRequest.of(q, MODEL, 0, Metric.COSINE)).getMessage());
        assertThrows(InvalidRequestException.class, () -> SearchRequest.of(q, MODEL, 1001, Metric.COSINE));
        assertThrows(InvalidRequestException.class, () -> SearchRequest.of(q, MODEL, 1, null));
        assertThrows(InvalidRequestException.class, () -> SearchRequest.of(q, MODEL, 1, Metric.DOT).withEfSearch(-1));
        assertThrows(InvalidRequestException.class, () -> SearchRequest.of(new float[] {Float.NaN, 0, 0}, MODEL, 1,
                Metric.DOT));
        assertThrows(InvalidRequestException.class, () -> index.upsert("", q, MODEL, null, null));
        assertThrows(InvalidRequestException.class, () -> index.upsert("x", new float[] {0, Float.POSITIVE_INFINITY,
                0}, MODEL, null, null));
        index.upsert("x", q, MODEL, null, null);
        assertThrows(InvalidRequestException.class, () -> search(new float[] {0, 0, 0}, 1, true));
        assertEquals(1, index.search(SearchRequest.of(new float[] {0, 0, 0}, MODEL, 1, Metric.EUCLIDEAN)).size());
    }

    @Test
    void anEmptyIndexAnswersWithNoHits() {
        assertEquals(List.of(), search(new float[] {1, 0, 0}, 5, false));
        assertEquals(List.of(), search(new float[] {1, 0, 0}, 5, true));
    }

    @Test
    void compactionDropsRetiredVectorsAndKeepsTheAnswers() {
        VectorIndex small = new VectorIndex(IndexConfig.of(MODEL, 8).withCompaction(0.25, 10));
        Random rnd = new Random(3);
        List<VectorEntry> live = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            VectorEntry e = new VectorEntry("id" + i, ExactSearchTest.randomVector(rnd, 8), MODEL,
                    Map.of("p", "" + i % 3), null);
            small.upsert(e);
            live.add(e);
        }
        for (int i = 0; i < 120; i++) {
            small.delete("id" + i);
        }
        live.removeIf(e -> Integer.parseInt(e.id().substring(2)) < 120);
        IndexStats stats = small.stats();
        assertTrue(stats.compactions() >= 1, "no compaction: " + stats);
        assertTrue(stats.retired() < 10 || stats.retired() < 0.25 * (stats.size() + stats.retired()), stats.toString());
        assertEquals(80, stats.size());
        float[] q = ExactSearchTest.randomVector(rnd, 8);
        for (Metric m : Metric.values()) {
            List<SearchHit> hits = small.search(SearchRequest.of(q, MODEL, 80, m).withFilters(Map.of("p", "1")));
            List<BruteForce.Scored> truth = BruteForce.topK(live, m, q, 80, Map.of("p", "1"));
            assertEquals(truth.stream().map(BruteForce.Scored::id).toList(), ids(hits), m.toString());
        }
    }

    @Test
    void rebuildReplacesEverythingAndClearEmpties() {
        index.upsert("old", new float[] {1, 0, 0}, MODEL, null, null);
        index.rebuild(List.of(new VectorEntry("a", new float[] {1, 0, 0}, MODEL),
                new VectorEntry("b", new float[] {0, 1, 0}, MODEL),
                new VectorEntry("a", new float[] {0, 0, 1}, MODEL)).iterator());
        assertEquals(2, index.size());
        assertTrue(index.get("old").isEmpty());
        assertArrayEquals(new float[] {0, 0, 1}, index.get("a").orElseThrow().vector(), "the later entry wins");
        assertThrows(ModelMismatchException.class, () -> index.rebuild(List.of(
                new VectorEntry("c", new float[] {1, 0, 0}, MODEL),
                new VectorEntry("d", new float[] {1, 0, 0}, "other@1")).iterator()));
        assertEquals(2, index.size(), "a refused rebuild leaves the index as it was");
        index.clear();
        assertEquals(0, index.size());
        assertEquals(List.of(), search(new float[] {1, 0, 0}, 3, false));
    }

    @Test
    void anIndexWithoutGraphAnswersApproximateQueriesExactly() {
        VectorIndex exactOnly = new VectorIndex(IndexConfig.of(MODEL, 8).withoutGraph());
        Random rnd = new Random(5);
        List<VectorEntry> all = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            VectorEntry e = new VectorEntry("id" + i, ExactSearchTest.randomVector(rnd, 8), MODEL);
            exactOnly.upsert(e);
            all.add(e);
        }
        assertEquals(0, exactOnly.stats().graphLevels());
        float[] q = ExactSearchTest.randomVector(rnd, 8);
        List<SearchHit> hits = exactOnly.search(SearchRequest.of(q, MODEL, 25, Metric.EUCLIDEAN));
        assertEquals(BruteForce.topK(all, Metric.EUCLIDEAN, q, 25, Map.of()).stream().map(BruteForce.Scored::id)
                .toList(), ids(hits));
    }

    @Test
    void storedVectorsAreCopies() {
        float[] v = {1, 0, 0};
        index.upsert("a", v, MODEL, null, null);
        v[0] = -1;
        index.get("a").orElseThrow().vector()[0] = -5;
        assertArrayEquals(new float[] {1, 0, 0}, index.get("a").orElseThrow().vector());
    }

    private List<SearchHit> search(float[] q, int k, boolean exact) {
        return index.search(SearchRequest.of(q, MODEL, k, Metric.COSINE).withExact(exact));
    }

    private static List<String> ids(List<SearchHit> hits) {
        return hits.stream().map(SearchHit::id).toList();
    }
}
