package dev.semstream.store;

import dev.semstream.kernels.SearchKernels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Exact search against the double-precision ground truth, for every metric, both kernel sets, with and
 * without filters, on vectors of many lengths (so cosine, dot and Euclidean really rank differently).
 */
class ExactSearchTest {
    private static final String MODEL = "test-model@1";

    static Stream<Arguments> cases() {
        return Stream.of(SearchKernels.scalar(), SearchKernels.best()).flatMap(k -> Stream.of(Metric.values())
                .flatMap(m -> Stream.of(Arguments.of(k, m, 40), Arguments.of(k, m, 6000))));
    }

    @ParameterizedTest(name = "{0} {1} n={2}")
    @MethodSource("cases")
    void exactSearchIsTheGroundTruth(SearchKernels kernels, Metric metric, int n) {
        int dim = 384;
        Random rnd = new Random(n * 31L + metric.ordinal());
        // A sparse graph: this test asks only the exact scan, and building a dense one would dominate its time.
        VectorIndex index = new VectorIndex(IndexConfig.of(MODEL, dim).withHnsw(4, 8, 8), kernels);
        Map<String, VectorEntry> entries = new HashMap<>();
        for (int i = 0; i < n; i++) {
            VectorEntry e = new VectorEntry("id-" + i, randomVector(rnd, dim), MODEL,
                    Map.of("colour", List.of("red", "green", "blue").get(i % 3), "rare", i % 50 == 0 ? "yes" : "no"),
                    "text " + i);
            entries.put(e.id(), e);
            index.upsert(e);
        }
        // Deletions put the live bitset into play; a few, so no compaction runs.
        for (int i = 0; i < n; i += 17) {
            index.delete("id-" + i);
            entries.remove("id-" + i);
        }
        List<Map<String, String>> filters = List.of(Map.of(), Map.of("colour", "red"),
                Map.of("colour", "blue", "rare", "yes"), Map.of("colour", "purple"));
        for (int q = 0; q < 5; q++) {
            float[] query = randomVector(rnd, dim);
            for (Map<String, String> filter : filters) {
                for (int k : new int[] {1, 10, 100}) {
                    List<SearchHit> hits = index.search(SearchRequest.of(query, MODEL, k, metric).withExact(true)
                            .withFilters(filter));
                    List<BruteForce.Scored> truth = BruteForce.topK(entries.values(), metric, query, k, filter);
                    BruteForce.assertSameAsTruth(truth, hits, trueScores(entries, metric, query));
                    for (SearchHit h : hits) {
                        assertEquals(entries.get(h.id()).metadata(), h.metadata());
                        assertEquals(entries.get(h.id()).text(), h.text());
                    }
                }
            }
        }
    }

    @Test
    void equalScoresAreRankedById() {
        VectorIndex index = new VectorIndex(IndexConfig.of(MODEL, 4));
        float[] v = {1, 2, 3, 4};
        for (String id : new String[] {"d", "b", "e", "a", "c"}) {
            index.upsert(id, v, MODEL, null, null);
        }
        for (Metric metric : Metric.values()) {
            List<SearchHit> hits = index.search(SearchRequest.of(new float[] {1, 0, 0, 0}, MODEL, 3, metric)
                    .withExact(true));
            assertEquals(List.of("a", "b", "c"), hits.stream().map(SearchHit::id).toList(), metric.toString());
        }
    }

    @Test
    void hitsCarryTheVectorWhenAsked() {
        VectorIndex index = new VectorIndex(IndexConfig.of(MODEL, 3));
        index.upsert("x", new float[] {3, 4, 0}, MODEL, Map.of("k", "v"), "the text");
        SearchHit hit = index.search(SearchRequest.of(new float[] {0, 1, 0}, MODEL, 1, Metric.EUCLIDEAN)
                .withExact(true).withIncludeVectors(true)).get(0);
        assertEquals("x", hit.id());
        assertEquals((float) Math.sqrt(9 + 9), hit.score(), 1e-6);
        assertEquals(MODEL, hit.modelId());
        assertEquals(Map.of("k", "v"), hit.metadata());
        assertEquals("the text", hit.text());
        assertEquals(List.of(3f, 4f, 0f), List.of(hit.vector()[0], hit.vector()[1], hit.vector()[2]));
        SearchHit noVector = index.search(SearchRequest.of(new float[] {0, 1, 0}, MODEL, 1, Metric.DOT)).get(0);
        assertEquals(4f, noVector.score());
        assertEquals(null, noVector.vector());
    }

    static Map<String, Double> trueScores(Map<String, VectorEntry> entries, Metric metric, float[] query) {
        Map<String, Double> scores = new HashMap<>();
        for (VectorEntry e : entries.values()) {
            scores.put(e.id(), BruteForce.score(metric, query, e.vector()));
        }
        return scores;
    }

    /** Components in [-1, 1] times a length factor in [0.2, 3]: norms vary tenfold. */
    static float[] randomVector(Random rnd, int dim) {
        float scale = 0.2f + 2.8f * rnd.nextFloat();
        float[] v = new float[dim];
        for (int i = 0; i < dim; i++) {
            v[i] = (rnd.nextFloat() * 2 - 1) * scale;
        }
        return v;
    }
}
