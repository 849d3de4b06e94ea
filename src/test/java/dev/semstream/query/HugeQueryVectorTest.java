package dev.semstream.query;

import com.fasterxml.jackson.databind.JsonNode;
import dev.semstream.store.IndexConfig;
import dev.semstream.store.SearchHit;
import dev.semstream.store.VectorIndex;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Row 8 of issue 11: a finite but huge query vector, from the JSON the API parses to the hits it writes. */
class HugeQueryVectorTest {
    private static final int DIM = 384;
    private static final String MODEL = "m";

    /** Three unit vectors: all ones (the query's direction), one axis, and the axis' opposite. */
    private static VectorIndex index() {
        VectorIndex index = new VectorIndex(IndexConfig.of(MODEL, DIM));
        float[] ones = new float[DIM];
        Arrays.fill(ones, (float) (1 / Math.sqrt(DIM)));
        float[] axis = new float[DIM];
        axis[0] = 1;
        float[] opposite = new float[DIM];
        opposite[0] = -1;
        index.upsert("ones", ones, MODEL, Map.of(), null);
        index.upsert("axis", axis, MODEL, Map.of(), null);
        index.upsert("opposite", opposite, MODEL, Map.of(), null);
        return index;
    }

    private static JsonNode body(String metric) throws Exception {
        double[] huge = new double[DIM];
        Arrays.fill(huge, 1e20);
        return HttpJson.MAPPER.valueToTree(Map.of("vector", huge, "metric", metric, "exact", true, "k", 3));
    }

    private static List<SearchHit> search(String metric) throws Exception {
        SearchQuery q = SearchQuery.parse(body(metric));
        return index().search(q.request(q.vector(), MODEL, 3));
    }

    @Test
    void cosineOfAHugeVectorScoresAsItsDirectionDoes() throws Exception {
        List<SearchHit> hits = search("cosine");
        assertEquals(List.of("ones", "axis", "opposite"), hits.stream().map(SearchHit::id).toList());
        assertEquals(1.0, hits.get(0).score(), 1e-5);
        assertEquals(1 / Math.sqrt(DIM), hits.get(1).score(), 1e-5);
        assertEquals(-1 / Math.sqrt(DIM), hits.get(2).score(), 1e-5);
        JsonNode written = HitJson.write(hits);
        written.forEach(h -> assertTrue(h.get("score").isNumber(), h.toString()));
    }

    @Test
    void euclideanAndDotOfAVectorFloatCannotSquareAre400sNotInfinity() throws Exception {
        for (String metric : List.of("euclidean", "dot")) {
            ApiException e = assertThrows(ApiException.class, () -> search(metric), metric);
            assertEquals(400, e.status());
            assertTrue(e.getMessage().contains("too long"), e.getMessage());
        }
    }

    @Test
    void aLargeButSquarableVectorStillGetsFiniteEuclideanScores() throws Exception {
        double[] big = new double[DIM];
        Arrays.fill(big, 1e17); // squared length 3.8e36, under the limit
        SearchQuery q = SearchQuery.parse(HttpJson.MAPPER.valueToTree(Map.of("vector", big, "metric", "euclidean",
                "exact", true, "k", 3)));
        for (SearchHit h : index().search(q.request(q.vector(), MODEL, 3))) {
            assertTrue(Float.isFinite(h.score()), h.id() + " " + h.score());
        }
    }
}
