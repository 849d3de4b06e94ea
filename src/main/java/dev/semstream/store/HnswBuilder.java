package dev.semstream.store;

import dev.semstream.kernels.SearchKernels;

import java.util.SplittableRandom;

/**
 * Links new nodes into an {@link HnswGraph} (the HNSW paper's INSERT with the neighbour-selection
 * heuristic). Links are chosen by the index's graph metric.
 *
 * <p>One builder per graph, used by the single writer thread: it owns its searcher and its candidate
 * arrays and reuses them from insert to insert.
 */
final class HnswBuilder {
    private final HnswGraph graph;
    private final VectorColumn column;
    private final SearchKernels kernels;
    private final Metric metric;
    private final int efConstruction;
    /** 1 / ln(m): the level distribution of the paper, so each level up holds about 1/m of the nodes. */
    private final double levelScale;
    private final SplittableRandom random;
    private final HnswSearcher searcher = new HnswSearcher();

    // Scratch, reused by every insert: the beam's nodes best first, the new node's chosen links, and a
    // full neighbour's links with their scores (and the gather scratch to score them), its candidates and
    // its re-chosen links.
    private int[] beamNodes = new int[0];
    private float[] beamScores = new float[0];
    private final int[] chosen;
    private final float[] chosenScores;
    private final int[] pruneNodes;
    private final float[] pruneScores;
    private final int[] pruneChosen;
    private final float[] pruneChosenScores;
    private final int[] linkNodes;
    private final float[] linkScores;
    private final QueryScorer.Gather gather = new QueryScorer.Gather();

    HnswBuilder(HnswGraph graph, VectorColumn column, SearchKernels kernels, IndexConfig config) {
        this.graph = graph;
        this.column = column;
        this.kernels = kernels;
        this.metric = config.graphMetric();
        this.efConstruction = config.efConstruction();
        this.levelScale = 1 / Math.log(config.m());
        this.random = new SplittableRandom(config.seed());
        int links = graph.maxLinks(0);
        this.chosen = new int[links];
        this.chosenScores = new float[links];
        this.pruneNodes = new int[links + 1];
        this.pruneScores = new float[links + 1];
        this.pruneChosen = new int[links];
        this.pruneChosenScores = new float[links];
        this.linkNodes = new int[links];
        this.linkScores = new float[links];
    }

    /** Adds the column's row {@code node} to the graph and links it both ways to its neighbours. */
    void insert(int node) {
        int level = randomLevel();
        graph.addNode(node, level);
        if (graph.entryNode() < 0) {
            graph.setEntry(node);
            return;
        }
        QueryScorer scorer = QueryScorer.forNode(metric, kernels, column, node);
        searcher.start();
        int entry = graph.entryNode();
        float entryScore = scorer.score(entry);
        int top = graph.topLevel();
        for (int l = top; l > level; l--) {
            entry = searcher.greedy(graph, scorer, entry, entryScore, l);
            entryScore = searcher.greedyScore();
        }
        ensureScratch(Math.max(efConstruction, graph.maxLinks(0)) + 1);
        int entryCount = 1;
        beamNodes[0] = entry;
        beamScores[0] = entryScore;
        for (int l = Math.min(level, top); l >= 0; l--) {
            searcher.searchLevel(graph, scorer, beamNodes, beamScores, entryCount, l, efConstruction, null,
                    Integer.MAX_VALUE);
            entryCount = drainBestFirst(searcher.results());
            int linkCount = selectDiverse(beamNodes, beamScores, entryCount, graph.maxLinks(l), chosen, chosenScores);
            graph.setLinks(node, l, chosen, linkCount);
            for (int i = 0; i < linkCount; i++) {
                linkBack(chosen[i], node, chosenScores[i], l);
            }
            // The whole beam of this level is the next level's entry set, as in the paper. drainBestFirst
            // left it in beamNodes; selectDiverse wrote only to chosen.
        }
        if (level > top) {
            graph.setEntry(node);
        }
    }

    private int randomLevel() {
        double u = 1.0 - random.nextDouble(); // in (0, 1]: log is finite
        return (int) Math.min(Byte.MAX_VALUE, Math.floor(-Math.log(u) * levelScale));
    }

    /** Empties the searcher's result heap into the beam arrays, best first. */
    private int drainBestFirst(NodeHeap results) {
        int n = results.size();
        ensureScratch(n);
        for (int i = n - 1; i >= 0; i--) {
            beamScores[i] = results.topScore();
            beamNodes[i] = results.pop();
        }
        return n;
    }

    /**
     * The paper's neighbour-selection heuristic: walks candidates best first and keeps one only if it is
     * closer to the new node than to every neighbour kept so far. Links then point in diverse directions
     * instead of all into the nearest cluster, which keeps clusters connected. {@code nodes} must be sorted
     * best first; returns how many were kept into {@code keptNodes}/{@code keptScores}.
     */
    private int selectDiverse(int[] nodes, float[] scores, int count, int max, int[] keptNodes, float[] keptScores) {
        int kept = 0;
        for (int i = 0; i < count && kept < max; i++) {
            int c = nodes[i];
            float toNew = scores[i];
            QueryScorer fromCandidate = QueryScorer.forNode(metric, kernels, column, c);
            boolean diverse = true;
            for (int j = 0; j < kept; j++) {
                if (fromCandidate.score(keptNodes[j]) > toNew) {
                    diverse = false;
                    break;
                }
            }
            if (diverse) {
                keptNodes[kept] = c;
                keptScores[kept] = toNew;
                kept++;
            }
        }
        return kept;
    }

    /**
     * Adds the link neighbour -> node. A full neighbour re-chooses its links among the old ones and the new
     * one with the same heuristic, so its links stay diverse rather than merely the nearest.
     */
    private void linkBack(int neighbour, int node, float score, int level) {
        int max = graph.maxLinks(level);
        int[] links = graph.linksArray(neighbour, level);
        int off = graph.linksOffset(neighbour, level);
        int count = links[off];
        if (count < max) {
            graph.addLink(neighbour, level, node);
            return;
        }
        // Candidates: the current links and the new node, scored from the neighbour's side, best first.
        int[] nodes = pruneNodes;
        float[] scores = pruneScores;
        QueryScorer fromNeighbour = QueryScorer.forNode(metric, kernels, column, neighbour);
        System.arraycopy(links, off + 1, linkNodes, 0, count);
        fromNeighbour.scoreNodes(linkNodes, count, linkScores, gather);
        int n = 0;
        for (int i = 0; i <= count; i++) {
            int c = i < count ? linkNodes[i] : node;
            float s = i < count ? linkScores[i] : score;
            int j = n++;
            while (j > 0 && scores[j - 1] < s) {
                nodes[j] = nodes[j - 1];
                scores[j] = scores[j - 1];
                j--;
            }
            nodes[j] = c;
            scores[j] = s;
        }
        int kept = selectDiverse(nodes, scores, n, max, pruneChosen, pruneChosenScores);
        assert kept >= 1 : "pruning dropped every link of node " + neighbour;
        graph.setLinks(neighbour, level, pruneChosen, kept);
    }

    private void ensureScratch(int n) {
        if (beamNodes.length < n) {
            beamNodes = java.util.Arrays.copyOf(beamNodes, n);
            beamScores = java.util.Arrays.copyOf(beamScores, n);
        }
    }
}
