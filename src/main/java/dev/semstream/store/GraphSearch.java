package dev.semstream.store;

import java.util.BitSet;

/**
 * The approximate answer from the HNSW graph: greedy descent through the upper levels, then a beam of
 * width ef on level 0 that walks through every node but collects only accepted ones (live, and matching
 * the filter if any).
 */
final class GraphSearch {
    private GraphSearch() {
    }

    /**
     * The best k of the beam, or null when the graph is the wrong tool for this query and an exact scan
     * of the accepted rows should answer instead: the search scored more nodes than {@code visitLimit}
     * (a selective filter makes the beam wander), or it found fewer than k accepted nodes although more
     * exist (the filter's matches are not reachable from where the beam went).
     *
     * @param accept      the rows a hit may be; null for every stored row (no deletions, no filter)
     * @param acceptCount how many rows {@code accept} holds
     * @param candidates  how many of the beam's best to return: k, or more for rescoring (the beam is
     *                    {@code max(ef, k)} wide either way, so at most that many)
     */
    static TopK search(IndexContents contents, QueryScorer scorer, int k, int candidates, int ef, BitSet accept,
                       int acceptCount, int visitLimit) {
        HnswGraph graph = contents.graph();
        TopK top = new TopK(candidates, contents::idOf);
        int entry = graph.entryNode();
        if (entry < 0) {
            return top;
        }
        HnswSearcher searcher = HnswSearcher.forCurrentThread();
        searcher.start();
        float entryScore = scorer.score(entry);
        for (int level = graph.topLevel(); level > 0; level--) {
            entry = searcher.greedy(graph, scorer, entry, entryScore, level);
            entryScore = searcher.greedyScore();
        }
        boolean completed = searcher.searchLevel(graph, scorer, new int[] {entry}, new float[] {entryScore}, 1, 0,
                Math.max(ef, k), accept, visitLimit);
        NodeHeap results = searcher.results();
        if (!completed || results.size() < Math.min(k, acceptCount)) {
            return null;
        }
        for (int i = 0; i < results.size(); i++) {
            top.offer(results.nodeAt(i), results.scoreAt(i));
        }
        return top;
    }
}
