package dev.semstream.store;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Indexes that search bf16 or int8 codes and rescore at full precision, beside a float index of the same
 * clustered vectors: recall after rescoring against the float answer (exact scan and graph), hit scores
 * equal to the float index's, vectors read back as added, and what a vector costs.
 */
class EncodedIndexTest {
    private static final String MODEL = "test-model@1";
    private static final int DIM = 384;
    private static final int N = 3000;
    private static final int QUERIES = 100;
    private static final int K = 10;

    private static final Map<VectorEncoding, VectorIndex> indexes = new EnumMap<>(VectorEncoding.class);
    private static final List<VectorEntry> entries = new ArrayList<>();
    private static float[][] queries;

    @BeforeAll
    static void build() {
        ClusteredVectors gen = new ClusteredVectors(DIM, 40, 0.6, 11);
        for (int i = 0; i < N; i++) {
            entries.add(new VectorEntry("v" + i, gen.next(), MODEL));
        }
        queries = gen.next(QUERIES);
        for (VectorEncoding encoding : VectorEncoding.values()) {
            VectorIndex index = new VectorIndex(IndexConfig.of(MODEL, DIM).withVectorEncoding(encoding));
            index.rebuild(entries.iterator());
            indexes.put(encoding, index);
        }
    }

    @ParameterizedTest
    @EnumSource(value = VectorEncoding.class, names = {"BF16", "INT8"})
    void exactRecallAfterRescoringIsAtLeast99PercentOfTheFloatAnswer(VectorEncoding encoding) {
        for (Metric metric : Metric.values()) {
            double recall = recallAgainstFloat(encoding, metric, true, 0);
            assertTrue(recall >= 0.99, encoding + " " + metric + " exact recall@10 " + recall);
        }
    }

    @ParameterizedTest
    @EnumSource(value = VectorEncoding.class, names = {"BF16", "INT8"})
    void graphRecallAfterRescoringIsAtLeast99PercentOfTheFloatGraphs(VectorEncoding encoding) {
        for (int ef : new int[] {10, 64}) {
            double floatRecall = recallAgainstTruth(VectorEncoding.FLOAT, ef);
            double recall = recallAgainstTruth(encoding, ef);
            assertTrue(recall >= 0.99 * floatRecall, encoding + " graph recall@10 at ef " + ef + ": " + recall
                    + ", float " + floatRecall);
        }
    }

    @ParameterizedTest
    @EnumSource(value = VectorEncoding.class, names = {"BF16", "INT8"})
    void rescoredHitsScoreAsTheFloatIndexScoresThem(VectorEncoding encoding) {
        for (Metric metric : Metric.values()) {
            for (float[] q : queries) {
                Map<String, Float> floatScores = new HashMap<>();
                search(VectorEncoding.FLOAT, q, metric, true, 0).forEach(h -> floatScores.put(h.id(), h.score()));
                for (SearchHit h : search(encoding, q, metric, true, 0)) {
                    if (floatScores.containsKey(h.id())) {
                        assertEquals(floatScores.get(h.id()), h.score(), encoding + " " + metric + " " + h.id());
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = VectorEncoding.class, names = {"BF16", "INT8"})
    void vectorsReadBackAtFullPrecision(VectorEncoding encoding) {
        VectorIndex index = indexes.get(encoding);
        for (int i = 0; i < N; i += 97) {
            VectorEntry e = entries.get(i);
            assertArrayEquals(e.vector(), index.get(e.id()).orElseThrow().vector(), e.id());
        }
        SearchHit top = index.search(SearchRequest.of(entries.get(5).vector(), MODEL, 1, Metric.COSINE)
                .withIncludeVectors(true)).get(0);
        assertEquals("v5", top.id());
        assertArrayEquals(entries.get(5).vector(), top.vector());
    }

    @Test
    void anEncodedIndexFollowsReplacementsAndDeletes() {
        VectorIndex index = new VectorIndex(IndexConfig.of(MODEL, DIM).withVectorEncoding(VectorEncoding.INT8)
                .withCompaction(0.1, 5));
        for (int i = 0; i < 200; i++) {
            index.upsert(entries.get(i));
        }
        // v0 takes v300's vector, v1..v40 go: the compaction this triggers rebuilds from full precision.
        index.upsert(new VectorEntry("v0", entries.get(300).vector(), MODEL));
        for (int i = 1; i <= 40; i++) {
            index.delete("v" + i);
        }
        assertTrue(index.stats().compactions() > 0, "no compaction: " + index.stats());
        List<SearchHit> hits = index.search(SearchRequest.of(entries.get(300).vector(), MODEL, 3, Metric.COSINE));
        assertEquals("v0", hits.get(0).id());
        assertEquals(1f, hits.get(0).score(), 1e-6f);
        assertArrayEquals(entries.get(300).vector(), index.get("v0").orElseThrow().vector());
        assertTrue(index.get("v7").isEmpty());
        assertEquals(160, index.size());
    }

    @Test
    void codesCostAQuarterOrAHalfOfTheFloatsOnTheHeap() {
        VectorMemory floats = indexes.get(VectorEncoding.FLOAT).memory();
        VectorMemory bf16 = indexes.get(VectorEncoding.BF16).memory();
        VectorMemory int8 = indexes.get(VectorEncoding.INT8).memory();
        assertEquals(VectorEncoding.INT8, int8.encoding());
        // The vector part: 4 bytes a dimension and a norm; 2 and two norms; 1 and two norms and a scale.
        assertEquals(DIM * 4 + 4, floats.heapBytesPerVector() - floats.graphBytesPerVector(), 1e-9);
        assertEquals(DIM * 2 + 8, bf16.heapBytesPerVector() - bf16.graphBytesPerVector(), 1e-9);
        assertEquals(DIM + 12, int8.heapBytesPerVector() - int8.graphBytesPerVector(), 1e-9);
        // The same seeded levels, so the same graph; about 33 links of 4 bytes a node.
        assertEquals(floats.graphBytesPerVector(), int8.graphBytesPerVector(), 1e-9);
        assertTrue(floats.graphBytesPerVector() > 33 * 4 && floats.graphBytesPerVector() < 33 * 4 + 40,
                "graph bytes per vector " + floats.graphBytesPerVector());
        assertTrue(int8.heapBytesPerVector() < 0.35 * floats.heapBytesPerVector(), int8 + " vs " + floats);
        assertEquals(0, floats.offHeapBytesPerVector());
        assertEquals(DIM * 4, int8.offHeapBytesPerVector());
        assertEquals(DIM * 4, bf16.offHeapBytesPerVector());
    }

    @Test
    void theEncodingIsPartOfTheConfigAndFloatByDefault() {
        assertEquals(VectorEncoding.FLOAT, IndexConfig.of(MODEL, DIM).vectorEncoding());
        assertEquals(VectorEncoding.BF16, VectorEncoding.parse(" Bf16 "));
        assertEquals(VectorEncoding.INT8, IndexConfig.of(MODEL, DIM).withVectorEncoding(VectorEncoding.parse("int8"))
                .withoutGraph().withHnsw(8, 50, 20).vectorEncoding());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VectorEncoding.parse("fp8"));
        assertTrue(e.getMessage().contains("float, bf16, int8"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> IndexConfig.of(MODEL, DIM).withRescoreFactor(0));
    }

    private static List<SearchHit> search(VectorEncoding encoding, float[] q, Metric metric, boolean exact, int ef) {
        return indexes.get(encoding).search(SearchRequest.of(q, MODEL, K, metric).withExact(exact).withEfSearch(ef));
    }

    /** recall@10 of the encoded index's answer against the float index's answer. */
    private static double recallAgainstFloat(VectorEncoding encoding, Metric metric, boolean exact, int ef) {
        int found = 0;
        for (float[] q : queries) {
            Set<String> want = new HashSet<>();
            search(VectorEncoding.FLOAT, q, metric, true, 0).forEach(h -> want.add(h.id()));
            for (SearchHit h : search(encoding, q, metric, exact, ef)) {
                found += want.contains(h.id()) ? 1 : 0;
            }
        }
        return found / (double) (K * queries.length);
    }

    /** Graph recall@10 by cosine against the exact float answer. */
    private static double recallAgainstTruth(VectorEncoding encoding, int ef) {
        return recallAgainstFloat(encoding, Metric.COSINE, false, ef);
    }
}
