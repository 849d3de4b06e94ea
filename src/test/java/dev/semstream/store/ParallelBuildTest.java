package dev.semstream.store;

import dev.semstream.kernels.Parallel;
import dev.semstream.kernels.SearchKernels;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A rebuild links the graph on every core. Its links differ from build to build, so what is checked is
 * quality (recall at each beam against the one-thread build of the same vectors) and the invariants every
 * graph must keep, not bits.
 */
class ParallelBuildTest {
    private static final String MODEL = "test-model@1";
    private static final int DIM = 384;
    private static final int N = 6000;
    private static final int QUERIES = 100;
    private static final int[] EF = {10, 20, 40, 80};
    /** A smaller efConstruction than the default, so the graph is not so good that any build scores 1.0. */
    private static final IndexConfig CONFIG = IndexConfig.of(MODEL, DIM).withHnsw(16, 40, 64);

    private static List<VectorEntry> entries;
    private static float[][] queries;

    @BeforeAll
    static void vectors() {
        // Many loose clusters: neighbours span clusters, so a graph that lost its diverse links would show it.
        ClusteredVectors gen = new ClusteredVectors(DIM, 200, 1.0, 23);
        entries = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            entries.add(new VectorEntry("v" + i, gen.next(), MODEL));
        }
        queries = gen.next(QUERIES);
    }

    @Test
    void aRebuildLinksOnMoreThanOneThreadWithTheRecallOfTheOneThreadBuild() {
        assumeTrue(Parallel.threads() > 1, "one core: nothing to run in parallel");
        VectorIndex oneThread = new VectorIndex(CONFIG);
        entries.forEach(oneThread::upsert);
        VectorIndex parallel = new VectorIndex(CONFIG);
        parallel.rebuild(entries.iterator());

        IndexContents linked = new IndexContents(CONFIG, SearchKernels.best());
        entries.forEach(linked::add);
        linked.linkNew();
        assertTrue(linked.linkThreads() > 1, "a rebuild of " + N + " linked on " + linked.linkThreads() + " thread(s)");

        for (int ef : EF) {
            double single = recall(oneThread, ef);
            double multi = recall(parallel, ef);
            assertTrue(multi >= single - 0.01, "ef " + ef + ": parallel recall@10 " + multi + " < one-thread " + single);
        }
    }

    @Test
    void aSingleUpsertLinksOnTheWritersThread() {
        IndexContents contents = new IndexContents(CONFIG, SearchKernels.best());
        contents.upsert(entries.get(0));
        contents.upsert(entries.get(1));
        assertEquals(1, contents.linkThreads());
        assertEquals(2, contents.graph().size());
    }

    /** Many builds with small lists (M 4) so that threads keep meeting at full lists they both prune. */
    @RepeatedTest(5)
    void everyParallelBuildKeepsTheGraphInvariants() {
        IndexConfig tight = IndexConfig.of(MODEL, DIM).withHnsw(4, 20, 20);
        IndexContents contents = new IndexContents(tight, SearchKernels.best());
        entries.subList(0, 4000).forEach(contents::add);
        contents.linkNew();
        HnswGraph graph = contents.graph();
        assertEquals(4000, graph.size());
        assertNull(graph.problems());
        assertEquals(graph.topLevel(), maxLevel(graph), "the entry is not on the top level");
        // With lists this short a few nodes lose every in-link to pruning on one thread too (16 of 4000 here):
        // HNSW does not promise reachability, so the bar is the one-thread build's, within 0.5% of the nodes.
        int reached = reachableOnLevel0(graph).cardinality();
        IndexContents serial = new IndexContents(tight, SearchKernels.best());
        entries.subList(0, 4000).forEach(serial::upsert);
        int serialReached = reachableOnLevel0(serial.graph()).cardinality();
        assertTrue(reached >= serialReached - 20, reached + " of 4000 nodes reachable from the entry, one thread "
                + serialReached);
        // And the writer keeps linking into it one node at a time.
        entries.subList(4000, 4100).forEach(contents::upsert);
        assertEquals(4100, graph.size());
        assertNull(graph.problems());
    }

    private static int maxLevel(HnswGraph graph) {
        int max = -1;
        for (int n = 0; n < graph.size(); n++) {
            max = Math.max(max, graph.levelOf(n));
        }
        return max;
    }

    private static BitSet reachableOnLevel0(HnswGraph graph) {
        BitSet seen = new BitSet(graph.size());
        ArrayDeque<Integer> todo = new ArrayDeque<>();
        todo.add(graph.entryNode());
        seen.set(graph.entryNode());
        int[] links = new int[graph.maxLinks(0)];
        while (!todo.isEmpty()) {
            int node = todo.poll();
            int count = graph.copyLinks(node, 0, links, false);
            for (int i = 0; i < count; i++) {
                if (!seen.get(links[i])) {
                    seen.set(links[i]);
                    todo.add(links[i]);
                }
            }
        }
        return seen;
    }

    private static double recall(VectorIndex index, int ef) {
        int found = 0;
        for (float[] q : queries) {
            Set<String> truth = new HashSet<>();
            BruteForce.topK(entries, Metric.COSINE, q, 10, Map.of()).forEach(s -> truth.add(s.id()));
            for (SearchHit h : index.search(SearchRequest.of(q, MODEL, 10, Metric.COSINE).withEfSearch(ef))) {
                found += truth.contains(h.id()) ? 1 : 0;
            }
        }
        return found / (10.0 * queries.length);
    }
}
