package dev.semstream.query;

import dev.semstream.store.Metric;
import dev.semstream.store.SearchHit;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Best first by the metric, ties by id: the order every partition's hits already come in, so merging keeps it. */
final class HitOrder {
    private HitOrder() {
    }

    static Comparator<SearchHit> of(Metric metric) {
        Comparator<SearchHit> byScore = Comparator.comparingDouble(SearchHit::score);
        return (metric.higherIsBetter() ? byScore.reversed() : byScore).thenComparing(SearchHit::id);
    }

    /**
     * The k best of all the lists, each id once (a partition answered by two instances during a takeover
     * lists its hits twice), leaving out {@code excludeId} (a search by id does not find itself).
     */
    static List<SearchHit> topK(Collection<List<SearchHit>> lists, Metric metric, int k, String excludeId) {
        List<SearchHit> all = new ArrayList<>();
        lists.forEach(all::addAll);
        all.sort(of(metric));
        Set<String> seen = new HashSet<>();
        List<SearchHit> top = new ArrayList<>(k);
        for (SearchHit h : all) {
            if (top.size() == k) {
                break;
            }
            if (!h.id().equals(excludeId) && seen.add(h.id())) {
                top.add(h);
            }
        }
        return top;
    }
}
