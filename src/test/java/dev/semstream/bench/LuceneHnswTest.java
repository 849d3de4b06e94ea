package dev.semstream.bench;

import dev.semstream.store.ClusteredVectors;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The benchmark's Lucene peer works on whichever Lucene line this JDK's build takes, SIMD where it can. */
class LuceneHnswTest {

    @Test
    void luceneTenWithSimdOnJdk21AndLaterNineScalarBefore() {
        LuceneHnsw.Vectorization v = LuceneHnsw.vectorization();
        boolean modern = Runtime.version().feature() >= 21;
        assertTrue(v.luceneVersion().startsWith(modern ? "10." : "9.12."), v.summary());
        // The tests run with jdk.incubator.vector, so Lucene 10 takes its Panama scorers; 9.12 cannot on 17.
        assertEquals(modern, v.simd(), v.summary());
    }

    @Test
    void everyVectorFindsItselfFirst() throws Exception {
        float[][] data = new ClusteredVectors(32, 20, 0.6, 3).next(500);
        LuceneHnsw graph = new LuceneHnsw(data, 32, 16, 100);
        for (int i = 0; i < data.length; i += 50) {
            int[] hits = graph.search(data[i], 20, 5);
            assertEquals(5, hits.length);
            assertEquals(i, hits[0], "nearest to vector " + i);
        }
    }
}
