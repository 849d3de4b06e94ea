package dev.semstream.store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The ground truth: every entry scored in double precision straight from the metric's definition. */
final class BruteForce {
    record Scored(String id, double score) {
    }

    private BruteForce() {
    }

    static double score(Metric metric, float[] q, float[] v) {
        double dot = 0;
        double qq = 0;
        double vv = 0;
        double dd = 0;
        for (int i = 0; i < q.length; i++) {
            dot += (double) q[i] * v[i];
            qq += (double) q[i] * q[i];
            vv += (double) v[i] * v[i];
            double d = (double) q[i] - v[i];
            dd += d * d;
        }
        return switch (metric) {
            case DOT -> dot;
            case COSINE -> qq == 0 || vv == 0 ? 0 : dot / Math.sqrt(qq * vv);
            case EUCLIDEAN -> Math.sqrt(dd);
        };
    }

    /** The best k entries matching every filter pair, best first, ties by id. */
    static List<Scored> topK(Collection<VectorEntry> entries, Metric metric, float[] q, int k,
                             Map<String, String> filters) {
        List<Scored> all = new ArrayList<>();
        for (VectorEntry e : entries) {
            if (e.metadata().entrySet().containsAll(filters.entrySet())) {
                all.add(new Scored(e.id(), score(metric, q, e.vector())));
            }
        }
        Comparator<Scored> byScore = Comparator.comparingDouble(Scored::score);
        if (metric.higherIsBetter()) {
            byScore = byScore.reversed();
        }
        all.sort(byScore.thenComparing(Scored::id));
        return all.subList(0, Math.min(k, all.size()));
    }

    /**
     * Asserts the hits are the truth: same count, each hit's score its true score, and the hit at rank i
     * the truth's rank i, except where two true scores are closer than float rounding can tell apart.
     */
    static void assertSameAsTruth(List<Scored> truth, List<SearchHit> hits, Map<String, Double> trueScoreById) {
        assertEquals(truth.size(), hits.size(), "hit count");
        for (int i = 0; i < hits.size(); i++) {
            SearchHit h = hits.get(i);
            Double own = trueScoreById.get(h.id());
            if (own == null) {
                fail("hit " + h.id() + " is not a candidate at all");
            }
            double tolerance = 1e-4 * Math.max(1, Math.abs(own));
            assertEquals(own, h.score(), tolerance, "score of hit " + h.id());
            if (!h.id().equals(truth.get(i).id())) {
                assertTrue(Math.abs(truth.get(i).score() - own) <= tolerance, "rank " + i + ": got " + h.id()
                        + " (" + own + "), truth " + truth.get(i));
            }
        }
        assertEquals(hits.stream().map(SearchHit::id).distinct().count(), hits.size(), "duplicate ids");
    }
}
