package dev.semstream.store;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;

/**
 * The best k (ordinal, score) pairs offered so far: a min-heap whose root is the worst kept pair, so an
 * offer that cannot make the cut costs one comparison. Scores are "higher is better" (Euclidean distance
 * comes in negated). Equal scores are ranked by id, smaller first, so the answer does not depend on
 * insertion order or on how a parallel scan was split.
 */
final class TopK {
    private final int k;
    private final IntFunction<String> idOf;
    private final float[] scores;
    private final int[] ordinals;
    private int size;

    TopK(int k, IntFunction<String> idOf) {
        this.k = k;
        this.idOf = idOf;
        this.scores = new float[k];
        this.ordinals = new int[k];
    }

    /** The score an offer must beat once the heap is full; -infinity before. */
    float threshold() {
        return size < k ? Float.NEGATIVE_INFINITY : scores[0];
    }

    void offer(int ordinal, float score) {
        if (size < k) {
            scores[size] = score;
            ordinals[size] = ordinal;
            siftUp(size++);
        } else if (worse(scores[0], ordinals[0], score, ordinal)) {
            scores[0] = score;
            ordinals[0] = ordinal;
            siftDown(0);
        }
    }

    void addAll(TopK other) {
        for (int i = 0; i < other.size; i++) {
            offer(other.ordinals[i], other.scores[i]);
        }
    }

    /** Calls {@code action} with each ordinal kept now, in no particular order. */
    void forEachOrdinal(IntConsumer action) {
        for (int i = 0; i < size; i++) {
            action.accept(ordinals[i]);
        }
    }

    /** Makes the hit of a kept ordinal, given its score on the metric's own scale. */
    interface HitMaker {
        SearchHit hit(int ordinal, float userScore);
    }

    /** Empties the heap into hits, best first. */
    List<SearchHit> drainHits(QueryScorer scorer, HitMaker maker) {
        int n = size;
        int[] best = new int[n];
        float[] bestScores = new float[n];
        for (int i = n - 1; i >= 0; i--) {
            best[i] = ordinals[0];
            bestScores[i] = scores[0];
            size--;
            if (size > 0) {
                scores[0] = scores[size];
                ordinals[0] = ordinals[size];
                siftDown(0);
            }
        }
        List<SearchHit> hits = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            hits.add(maker.hit(best[i], scorer.userScore(bestScores[i])));
        }
        return hits;
    }

    /** Whether (s1, o1) ranks below (s2, o2). */
    private boolean worse(float s1, int o1, float s2, int o2) {
        if (s1 != s2) {
            return s1 < s2;
        }
        return o1 != o2 && idOf.apply(o1).compareTo(idOf.apply(o2)) > 0;
    }

    private void siftUp(int i) {
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!worse(scores[i], ordinals[i], scores[parent], ordinals[parent])) {
                break;
            }
            swap(i, parent);
            i = parent;
        }
    }

    private void siftDown(int i) {
        while (true) {
            int left = 2 * i + 1;
            if (left >= size) {
                return;
            }
            int child = left;
            int right = left + 1;
            if (right < size && worse(scores[right], ordinals[right], scores[left], ordinals[left])) {
                child = right;
            }
            if (!worse(scores[child], ordinals[child], scores[i], ordinals[i])) {
                return;
            }
            swap(i, child);
            i = child;
        }
    }

    private void swap(int a, int b) {
        float s = scores[a];
        scores[a] = scores[b];
        scores[b] = s;
        int o = ordinals[a];
        ordinals[a] = ordinals[b];
        ordinals[b] = o;
    }
}
