package dev.semstream.store;

import java.util.BitSet;

/**
 * Searches one level of an {@link HnswGraph}: the beam search of the HNSW paper's SEARCH-LAYER. Used both
 * to answer queries and, by {@link HnswBuilder}, to find a new node's neighbours.
 *
 * <p>An instance is the scratch state of one search at a time (the visited stamps and the two heaps),
 * reused from search to search so a query allocates nothing in proportion to the graph. It is not
 * thread-safe: each reader thread has its own (see {@link #forCurrentThread()}), and each inserting thread
 * of the builder has one. Reusing the scratch is what Lucene's HNSW does too (its searcher and builder keep
 * their heaps and visited bits from node to node): a build allocates per thread, not per insert.
 */
final class HnswSearcher {
    private static final ThreadLocal<HnswSearcher> PER_THREAD = ThreadLocal.withInitial(HnswSearcher::new);

    private final VisitedSet visited = new VisitedSet();
    private final NodeHeap candidates = NodeHeap.maxHeap(256);
    /** The accepted nodes found, worst on top; read by the caller after {@link #searchLevel}. */
    private final NodeHeap results = NodeHeap.minHeap(256);
    private int visitedCount;
    private float greedyScore;
    /** One expanded node's unvisited neighbours, their scores, and where their rows are gathered to score them. */
    private int[] freshNodes = new int[64];
    private float[] freshScores = new float[64];
    private final QueryScorer.Gather gather = new QueryScorer.Gather();
    /** One node's links, copied out of the graph (under its lock when {@link #locked}). */
    private int[] links = new int[64];
    /** Whether links are read under the graph's node locks: a parallel build writes them meanwhile. */
    private final boolean locked;

    /** A searcher for queries, which run while the graph does not change. */
    HnswSearcher() {
        this(false);
    }

    /** A searcher that reads links under the graph's node locks when {@code locked} (a builder's). */
    HnswSearcher(boolean locked) {
        this.locked = locked;
    }

    /** This thread's searcher; its results are valid until the thread's next search. */
    static HnswSearcher forCurrentThread() {
        return PER_THREAD.get();
    }

    /** The nodes the last {@link #searchLevel} kept (at most ef), worst on top. */
    NodeHeap results() {
        return results;
    }

    /** How many nodes the last search scored, across every level it was given since {@link #start}. */
    int visitedCount() {
        return visitedCount;
    }

    /** Begins a search (of one or more levels): the visit count restarts. */
    void start() {
        visitedCount = 0;
    }

    /**
     * From an entry node, walks to the best node on an upper level greedily (a beam of one). Returns the
     * node; its score is in {@link #greedyScore}.
     */
    int greedy(HnswGraph graph, QueryScorer scorer, int entry, float entryScore, int level) {
        fitTo(graph);
        visited.reset(graph.size());
        visited.visit(entry);
        int best = entry;
        float bestScore = entryScore;
        boolean improved = true;
        while (improved) {
            improved = false;
            int count = graph.copyLinks(best, level, links, locked);
            for (int i = 0; i < count; i++) {
                int n = links[i];
                if (!visited.visit(n)) {
                    continue;
                }
                visitedCount++;
                float s = scorer.score(n);
                if (s > bestScore) {
                    bestScore = s;
                    best = n;
                    improved = true;
                }
            }
        }
        greedyScore = bestScore;
        return best;
    }

    float greedyScore() {
        return greedyScore;
    }

    /**
     * The beam search on one level from the entries {@code entryNodes[0..entryCount)} with their scores,
     * keeping the best {@code ef} nodes in {@link #results()}. Every node is walked through, but only nodes
     * in {@code accept} (all when null) are collected: a filter or the deleted nodes narrow the results,
     * never the routes. Stops early and returns false once more than {@code visitLimit} nodes have been
     * scored in this search, so a caller can switch to an exact scan when that is the cheaper answer.
     * Each level starts with nothing visited: a node seen on the level above has other links here.
     */
    boolean searchLevel(HnswGraph graph, QueryScorer scorer, int[] entryNodes, float[] entryScores, int entryCount,
                        int level, int ef, BitSet accept, int visitLimit) {
        assert ef >= 1 : "beam width " + ef;
        fitTo(graph);
        visited.reset(graph.size());
        candidates.clear();
        results.clear();
        for (int i = 0; i < entryCount; i++) {
            int e = entryNodes[i];
            if (visited.visit(e)) {
                visitedCount++;
            }
            candidates.push(e, entryScores[i]);
            if (accept == null || accept.get(e)) {
                collect(e, entryScores[i], ef);
            }
        }
        while (!candidates.isEmpty()) {
            float candidateScore = candidates.topScore();
            // No unexpanded candidate can improve a full beam any more: the paper's stopping rule.
            if (results.size() >= ef && candidateScore < results.topScore()) {
                break;
            }
            int c = candidates.pop();
            int count = graph.copyLinks(c, level, links, locked);
            // The unvisited neighbours are scored together (their rows' loads overlap), then taken in link
            // order exactly as if scored one by one.
            int fresh = 0;
            for (int i = 0; i < count; i++) {
                int n = links[i];
                if (!visited.visit(n)) {
                    continue;
                }
                if (++visitedCount > visitLimit) {
                    return false;
                }
                freshNodes[fresh++] = n;
            }
            scorer.scoreNodes(freshNodes, fresh, freshScores, gather);
            for (int j = 0; j < fresh; j++) {
                int n = freshNodes[j];
                float s = freshScores[j];
                if (results.size() < ef || s > results.topScore()) {
                    candidates.push(n, s);
                    if (accept == null || accept.get(n)) {
                        collect(n, s, ef);
                    }
                }
            }
        }
        return true;
    }

    /** Sizes the link scratch for the graph's widest level; call before a search. */
    private void fitTo(HnswGraph graph) {
        int widest = graph.maxLinks(0);
        if (links.length < widest) {
            links = new int[widest];
            freshNodes = new int[widest];
            freshScores = new float[widest];
        }
    }

    private void collect(int node, float score, int ef) {
        results.push(node, score);
        if (results.size() > ef) {
            results.pop();
        }
    }
}
