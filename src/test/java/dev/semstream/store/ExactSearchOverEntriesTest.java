package dev.semstream.store;

import dev.semstream.kernels.SearchKernels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * An exact search over entries that are in no index (what a stale read does with a standby replica's store)
 * answers as {@link VectorIndex}'s exact search over the same entries does: the same ids in the same order,
 * the same scores to the bit, for every metric and both kernel sets, with and without filters, with ties, and
 * with entries in the stream that the index refuses (another model, another dimension).
 */
class ExactSearchOverEntriesTest {
    private static final String MODEL = "test-model@1";
    /** Not a multiple of any SIMD width, so the kernels' scalar tails are in play. */
    private static final int DIM = 37;

    static Stream<Arguments> cases() {
        return Stream.of(SearchKernels.scalar(), SearchKernels.best())
                .flatMap(k -> Stream.of(Metric.values()).map(m -> Arguments.of(k, m)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void answersAsTheIndexDoesScoreForScore(SearchKernels kernels, Metric metric) {
        Random rnd = new Random(7L + metric.ordinal());
        IndexConfig config = IndexConfig.of(MODEL, DIM).withoutGraph();
        VectorIndex index = new VectorIndex(config, kernels);
        List<VectorEntry> stream = new ArrayList<>();
        // 700 entries span several runs of the scan; every tenth shares its vector with nine others (ties).
        float[][] tied = new float[7][];
        for (int i = 0; i < 700; i++) {
            float[] v = i % 10 == 0 ? tied[i / 100] : ExactSearchTest.randomVector(rnd, DIM);
            if (v == null) {
                v = tied[i / 100] = ExactSearchTest.randomVector(rnd, DIM);
            }
            stream.add(new VectorEntry(String.format("id-%03d", i), v.clone(), MODEL, metadata(i), "text " + i));
        }
        stream.add(new VectorEntry("zero", new float[DIM], MODEL, Map.of("colour", "red"), null));
        // Replaced and deleted in the index, so its live bitset is in play; the stream holds what is left.
        for (VectorEntry e : stream) {
            index.upsert(e.id(), ExactSearchTest.randomVector(rnd, DIM), MODEL, Map.of("colour", "red"), "old");
        }
        for (VectorEntry e : stream) {
            index.upsert(e);
        }
        for (int i = 3; i < 700; i += 50) {
            index.delete(stream.get(i).id());
        }
        stream.removeIf(e -> index.get(e.id()).isEmpty());
        // Entries the index refuses, which the scan must pass over, among the rest.
        stream.add(new VectorEntry("other-model", tied[0].clone(), "other-model@2", metadata(0), null));
        stream.add(new VectorEntry("other-dimension", new float[DIM + 1], MODEL, metadata(0), null));
        Collections.shuffle(stream, rnd);

        List<Map<String, String>> filters = List.of(Map.of(), Map.of("colour", "red"),
                Map.of("colour", "blue", "rare", "yes"), Map.of("colour", "purple"), Map.of("shape", "round"));
        for (int q = 0; q < 4; q++) {
            // One query is a tied vector itself, so the best hits are a tie broken by id.
            float[] query = q == 0 ? tied[2].clone() : ExactSearchTest.randomVector(rnd, DIM);
            for (Map<String, String> filter : filters) {
                for (int k : new int[] {1, 5, 10, 100, 1000}) {
                    SearchRequest request = SearchRequest.of(query, MODEL, k, metric).withExact(true)
                            .withFilters(filter).withIncludeVectors(k == 10);
                    String what = metric + " q" + q + " " + filter + " k=" + k;
                    assertSameHits(index.search(request),
                            ExactSearch.search(config, kernels, stream.iterator(), request), what);
                }
            }
        }
    }

    @Test
    void anIndexScannedAcrossTheCoresAnswersAsTheOneStreamDoes() {
        // 40,000 rows of 64: enough floats for the index to split its scan into parallel parts.
        Random rnd = new Random(11);
        IndexConfig config = IndexConfig.of(MODEL, 64).withoutGraph();
        VectorIndex index = new VectorIndex(config);
        List<VectorEntry> stream = new ArrayList<>();
        for (int i = 0; i < 40_000; i++) {
            VectorEntry e = new VectorEntry("id-" + i, ExactSearchTest.randomVector(rnd, 64), MODEL, metadata(i), null);
            stream.add(e);
            index.upsert(e);
        }
        for (Metric metric : Metric.values()) {
            for (Map<String, String> filter : List.of(Map.<String, String>of(), Map.of("colour", "green"))) {
                SearchRequest request = SearchRequest.of(ExactSearchTest.randomVector(rnd, 64), MODEL, 50, metric)
                        .withExact(true).withFilters(filter);
                assertSameHits(index.search(request), ExactSearch.search(config, stream.iterator(), request),
                        metric + " " + filter);
            }
        }
    }

    @Test
    void aTieAcrossRunsIsBrokenById() {
        // The best ids come late in the stream and in reverse: the top-k must not keep the first ones it saw.
        IndexConfig config = IndexConfig.of(MODEL, 4);
        List<VectorEntry> stream = new ArrayList<>();
        for (int i = 999; i >= 0; i--) {
            stream.add(new VectorEntry(String.format("t-%04d", i), new float[] {1, 2, 3, 4}, MODEL));
        }
        for (Metric metric : Metric.values()) {
            List<SearchHit> hits = ExactSearch.search(config, stream.iterator(),
                    SearchRequest.of(new float[] {1, 0, 0, 0}, MODEL, 3, metric));
            assertEquals(List.of("t-0000", "t-0001", "t-0002"), hits.stream().map(SearchHit::id).toList(),
                    metric.name());
        }
    }

    @Test
    void refusesTheQueriesTheIndexRefusesWithTheSameMessage() {
        IndexConfig config = IndexConfig.of(MODEL, 3);
        VectorIndex index = new VectorIndex(config);
        List<SearchRequest> refused = List.of(SearchRequest.of(new float[] {1, 0, 0}, "other-model@2", 1, Metric.DOT),
                SearchRequest.of(new float[] {1, 0}, MODEL, 1, Metric.DOT),
                SearchRequest.of(new float[] {0, 0, 0}, MODEL, 1, Metric.COSINE));
        for (SearchRequest request : refused) {
            VectorStoreException byIndex = assertThrows(VectorStoreException.class, () -> index.search(request));
            VectorStoreException byScan = assertThrows(VectorStoreException.class,
                    () -> ExactSearch.search(config, List.<VectorEntry>of().iterator(), request));
            assertEquals(byIndex.getClass(), byScan.getClass());
            assertEquals(byIndex.getMessage(), byScan.getMessage());
        }
        assertEquals(List.of(), ExactSearch.search(config, List.<VectorEntry>of().iterator(),
                SearchRequest.of(new float[] {1, 0, 0}, MODEL, 1, Metric.DOT)));
    }

    @Test
    void hitsCarryTheEntryAndACopyOfItsVectorOnlyWhenAsked() {
        float[] v = {3, 4, 0};
        VectorEntry entry = new VectorEntry("x", v, MODEL, Map.of("k", "v"), "the text");
        SearchRequest request = SearchRequest.of(new float[] {0, 1, 0}, MODEL, 1, Metric.EUCLIDEAN);
        SearchHit hit = ExactSearch.search(IndexConfig.of(MODEL, 3), List.of(entry).iterator(),
                request.withIncludeVectors(true)).get(0);
        assertEquals("x", hit.id());
        assertEquals((float) Math.sqrt(18), hit.score(), 1e-6);
        assertEquals(MODEL, hit.modelId());
        assertEquals(Map.of("k", "v"), hit.metadata());
        assertEquals("the text", hit.text());
        assertArrayEquals(v, hit.vector());
        hit.vector()[0] = 99;
        assertEquals(3f, v[0], "the hit's vector is a copy");
        assertNull(ExactSearch.search(IndexConfig.of(MODEL, 3), List.of(entry).iterator(), request).get(0).vector());
    }

    private static Map<String, String> metadata(int i) {
        return Map.of("colour", List.of("red", "green", "blue").get(i % 3), "rare", i % 40 == 0 ? "yes" : "no");
    }

    private static void assertSameHits(List<SearchHit> expected, List<SearchHit> actual, String what) {
        assertEquals(expected.stream().map(SearchHit::id).toList(), actual.stream().map(SearchHit::id).toList(), what);
        for (int i = 0; i < expected.size(); i++) {
            SearchHit e = expected.get(i);
            SearchHit a = actual.get(i);
            assertEquals(Float.floatToIntBits(e.score()), Float.floatToIntBits(a.score()),
                    what + ": score of " + e.id() + " " + e.score() + " vs " + a.score());
            assertEquals(e.modelId(), a.modelId(), what);
            assertEquals(e.metadata(), a.metadata(), what);
            assertEquals(e.text(), a.text(), what);
            assertArrayEquals(e.vector(), a.vector(), what);
        }
    }
}
