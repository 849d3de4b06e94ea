package dev.semstream.store;

import dev.semstream.kernels.Parallel;
import dev.semstream.kernels.SearchKernels;

import java.util.Arrays;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Links new nodes into an {@link HnswGraph} (the HNSW paper's INSERT with the neighbour-selection
 * heuristic). Links are chosen by the index's graph metric.
 *
 * <p>A single upsert links its node on the writer's thread; a rebuild links all its nodes on every core
 * ({@link #insertAll}), as hnswlib and Faiss do: threads insert different nodes at once, each list of links
 * read and written under its node's lock, the entry point raised under one lock. The levels are drawn
 * in ordinal order from the seeded random before any thread starts, so they are reproducible; the links
 * are not (which thread gets to a neighbour's list first decides what it keeps), so a parallel graph
 * differs from build to build in its bits but not in its quality.
 */
final class HnswBuilder {
    /**
     * Nodes per parallel loop. {@link Parallel} runs one loop at a time and the encoder shares it, so a
     * long build gives the cores back between batches instead of holding them for a minute.
     */
    private static final int BATCH = 4096;
    /**
     * A graph's first nodes are linked on one thread: while it is this small, concurrent inserts would all
     * want the same few lists and mostly not see each other.
     */
    private static final int SERIAL_START = 1024;

    private final HnswGraph graph;
    private final VectorColumn column;
    private final SearchKernels kernels;
    private final Metric metric;
    private final int efConstruction;
    /** 1 / ln(m): the level distribution of the paper, so each level up holds about 1/m of the nodes. */
    private final double levelScale;
    private final SplittableRandom random;
    /** Held while a node above the top level is linked, so two such nodes do not both become the entry. */
    private final Object raisingTop = new Object();
    /** Inserters not in use: a build takes one per thread and gives it back, so scratch is made once. */
    private final ConcurrentLinkedQueue<Inserter> idle = new ConcurrentLinkedQueue<>();
    private int lastThreads;

    HnswBuilder(HnswGraph graph, VectorColumn column, SearchKernels kernels, IndexConfig config) {
        this.graph = graph;
        this.column = column;
        this.kernels = kernels;
        this.metric = config.graphMetric();
        this.efConstruction = config.efConstruction();
        this.levelScale = 1 / Math.log(config.m());
        this.random = new SplittableRandom(config.seed());
    }

    /** Adds the column's row {@code node} to the graph and links it both ways to its neighbours. */
    void insert(int node) {
        insertAll(node, node + 1);
    }

    /**
     * Adds the column's rows [from, to) to the graph, the next nodes, and links them: on every core when
     * there are many. Returns when all are linked. The caller is the index's one writer.
     */
    void insertAll(int from, int to) {
        assert from == graph.size() && to <= column.size() : "insert [" + from + ", " + to + ") into a graph of "
                + graph.size() + " for " + column.size() + " rows";
        graph.reserve(to);
        for (int node = from; node < to; node++) {
            graph.addNode(node, randomLevel());
        }
        Set<Thread> threads = ConcurrentHashMap.newKeySet();
        int serialEnd = Math.min(to, Math.max(from, SERIAL_START));
        AtomicInteger serial = new AtomicInteger(from);
        linkClaimed(serial, serialEnd, threads);
        for (int start = serialEnd; start < to; start += BATCH) {
            int end = Math.min(to, start + BATCH);
            AtomicInteger next = new AtomicInteger(start);
            Parallel.forEach(Math.min(Parallel.threads(), end - start), worker -> linkClaimed(next, end, threads));
        }
        lastThreads = threads.size();
        if (to - from > 1) {
            assert graph.problems() == null : "after linking [" + from + ", " + to + "): " + graph.problems();
        }
    }

    /** How many threads linked nodes in the last {@link #insertAll}. */
    int lastThreads() {
        return lastThreads;
    }

    /** Links nodes claimed from {@code next} until it reaches {@code end}, with one inserter's scratch. */
    private void linkClaimed(AtomicInteger next, int end, Set<Thread> threads) {
        Inserter inserter = idle.poll();
        if (inserter == null) {
            inserter = new Inserter();
        }
        try {
            boolean any = false;
            for (int node; (node = next.getAndIncrement()) < end; ) {
                inserter.link(node);
                any = true;
            }
            if (any) {
                threads.add(Thread.currentThread());
            }
        } finally {
            idle.offer(inserter);
        }
    }

    private int randomLevel() {
        double u = 1.0 - random.nextDouble(); // in (0, 1]: log is finite
        return (int) Math.min(Byte.MAX_VALUE, Math.floor(-Math.log(u) * levelScale));
    }

    /** One thread's inserting: its searcher and candidate arrays, reused from node to node. */
    private final class Inserter {
        private final HnswSearcher searcher = new HnswSearcher(true);
        // The beam's nodes best first, the new node's chosen links, and a full neighbour's links with their
        // scores (as the graph keeps them), its candidates and its re-chosen links.
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

        Inserter() {
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

        /** Links an added node both ways to its neighbours; becomes the entry if it is above the top. */
        void link(int node) {
            int level = graph.levelOf(node);
            int entry = graph.entryNode();
            if (entry >= 0 && level <= graph.levelOf(entry)) {
                linkFrom(node, level, entry);
                return;
            }
            synchronized (raisingTop) {
                entry = graph.entryNode();
                if (entry >= 0) {
                    linkFrom(node, level, entry);
                }
                if (entry < 0 || level > graph.levelOf(entry)) {
                    graph.setEntry(node);
                }
            }
        }

        private void linkFrom(int node, int level, int entry) {
            QueryScorer scorer = QueryScorer.forNode(metric, kernels, column, node);
            searcher.start();
            float entryScore = scorer.score(entry);
            int top = graph.levelOf(entry);
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
                entryCount = drainBestFirst(searcher.results(), node);
                int linkCount = selectDiverse(beamNodes, beamScores, entryCount, graph.maxLinks(l), chosen,
                        chosenScores);
                ReentrantLock own = graph.lockOf(node);
                own.lock();
                try {
                    graph.setLinks(node, l, chosen, chosenScores, linkCount);
                } finally {
                    own.unlock();
                }
                for (int i = 0; i < linkCount; i++) {
                    linkBack(chosen[i], node, chosenScores[i], l);
                }
                // The whole beam of this level is the next level's entry set, as in the paper. drainBestFirst
                // left it in beamNodes; selectDiverse wrote only to chosen.
            }
        }

        /**
         * Empties the searcher's result heap into the beam arrays, best first, without {@code self}. In a
         * parallel build the node being linked can be in its own beam: another thread linked a node to it
         * (from the links this node set on a higher level) and this node's search walked back through that
         * one. It would score best and be chosen as its own neighbour.
         */
        private int drainBestFirst(NodeHeap results, int self) {
            int n = results.size();
            ensureScratch(n);
            int kept = n;
            for (int i = n - 1; i >= 0; i--) {
                float score = results.topScore();
                int node = results.pop();
                if (node != self) {
                    kept--;
                    beamScores[kept] = score;
                    beamNodes[kept] = node;
                }
            }
            if (kept > 0) {
                System.arraycopy(beamNodes, kept, beamNodes, 0, n - kept);
                System.arraycopy(beamScores, kept, beamScores, 0, n - kept);
            }
            return n - kept;
        }

        /**
         * The paper's neighbour-selection heuristic: walks candidates best first and keeps one only if it is
         * closer to the new node than to every neighbour kept so far. Links then point in diverse directions
         * instead of all into the nearest cluster, which keeps clusters connected. {@code nodes} must be
         * sorted best first; returns how many were kept into {@code keptNodes}/{@code keptScores}.
         */
        private int selectDiverse(int[] nodes, float[] scores, int count, int max, int[] keptNodes,
                                  float[] keptScores) {
            int kept = 0;
            for (int i = 0; i < count && kept < max; i++) {
                int c = nodes[i];
                float toNew = scores[i];
                if (isDiverse(c, toNew, keptNodes, kept)) {
                    keptNodes[kept] = c;
                    keptScores[kept] = toNew;
                    kept++;
                }
            }
            return kept;
        }

        /**
         * Whether candidate {@code c} scores no better against any of {@code keptNodes[0..kept)} than
         * {@code toNew}, its score to the new node. One row at a time, not four a pass: most candidates lose to
         * the first kept node, and a pass of four would read three rows for nothing (it measured slower).
         */
        private boolean isDiverse(int c, float toNew, int[] keptNodes, int kept) {
            QueryScorer fromCandidate = QueryScorer.forNode(metric, kernels, column, c);
            for (int j = 0; j < kept; j++) {
                if (fromCandidate.score(keptNodes[j]) > toNew) {
                    return false;
                }
            }
            return true;
        }

        /**
         * Adds the link neighbour -> node, under the neighbour's lock. A full neighbour re-chooses its links
         * among the old ones and the new one with the same heuristic, so its links stay diverse rather than
         * merely the nearest.
         */
        private void linkBack(int neighbour, int node, float score, int level) {
            ReentrantLock lock = graph.lockOf(neighbour);
            lock.lock();
            try {
                // In a parallel build the neighbour may be new too and have chosen this node itself.
                if (graph.hasLink(neighbour, level, node)) {
                    return;
                }
                int max = graph.maxLinks(level);
                int count = graph.copyLinks(neighbour, level, linkNodes, linkScores);
                if (count < max) {
                    graph.addLink(neighbour, level, node, score);
                    return;
                }
                // Candidates: the current links with their kept scores and the new node, best first.
                int[] nodes = pruneNodes;
                float[] scores = pruneScores;
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
                graph.setLinks(neighbour, level, pruneChosen, pruneChosenScores, kept);
            } finally {
                lock.unlock();
            }
        }

        private void ensureScratch(int n) {
            if (beamNodes.length < n) {
                beamNodes = Arrays.copyOf(beamNodes, n);
                beamScores = Arrays.copyOf(beamScores, n);
            }
        }
    }
}
