package dev.semstream.store;

import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The links of a hierarchical navigable small world graph (Malkov and Yashunin, 2016): node n is vector
 * ordinal n. Every node is on level 0; a node of level L is also on levels 1..L, each level up holding
 * exponentially fewer nodes. Level 0 keeps up to {@code 2m} links per node, the upper levels {@code m}.
 *
 * <p>Level 0 is one flat int array, {@code maxLinks0 + 1} ints per node (the count, then the links), so
 * the search's hot loop reads one contiguous run per node. The sparse upper levels are small arrays per
 * node and level.
 *
 * <p>Each link's score (the metric's, between the two rows; symmetric) is kept beside it, at the same index
 * of a float array of the same shape: a full list that must drop a link when a new one arrives chooses by
 * the scores it already has instead of gathering and scoring its rows again (hnswlib keeps distances the
 * same way during a build). Four bytes per link.
 *
 * <p>Deleted vectors keep their nodes and links: they still route searches to their neighbours, and the
 * search skips them when it collects results.
 *
 * <h2>Threads</h2>
 * Searches and single inserts run under {@link VectorIndex}'s lock, one writer at a time. A parallel
 * build ({@link HnswBuilder#insertAll}) instead inserts nodes on every core at once: the nodes are
 * {@link #addNode added} first (no array grows while the build runs), and then every read and write of a
 * node's links goes through {@link #lockOf} (striped: a lock per node would cost more than the links) and
 * the entry point is one volatile field, so a search always sees a whole list and a consistent entry.
 */
final class HnswGraph {
    /** A power of two, well above the core count, so two inserting threads rarely want the same stripe. */
    private static final int LOCK_STRIPES = 1 << 10;
    private final int maxLinks;
    private final int maxLinks0;
    private final int stride0;
    private int[] links0 = new int[0];
    private int[][][] upper = new int[0][][];
    /** The links' scores, at the links' indices (a run's first slot, the count's, unused). */
    private float[] scores0 = new float[0];
    private float[][][] upperScores = new float[0][][];
    private byte[] levels = new byte[0];
    private int size;
    /** The entry point; its level is the top level, so one volatile write moves both together. */
    private volatile int entryNode = -1;
    private final ReentrantLock[] stripes = new ReentrantLock[LOCK_STRIPES];

    HnswGraph(int m) {
        this.maxLinks = m;
        this.maxLinks0 = 2 * m;
        this.stride0 = maxLinks0 + 1;
        for (int i = 0; i < stripes.length; i++) {
            stripes[i] = new ReentrantLock();
        }
    }

    /** The lock a parallel build holds while it reads or writes a node's links (on any level). */
    ReentrantLock lockOf(int node) {
        return stripes[node & (LOCK_STRIPES - 1)];
    }

    int size() {
        return size;
    }

    /** Where every search starts: a node of the top level; -1 while the graph is empty. */
    int entryNode() {
        return entryNode;
    }

    int topLevel() {
        int entry = entryNode;
        return entry < 0 ? -1 : levels[entry];
    }

    int levelOf(int node) {
        return levels[node];
    }

    int maxLinks(int level) {
        return level == 0 ? maxLinks0 : maxLinks;
    }

    /** Adds the next node, with no links yet, on levels 0..level. */
    void addNode(int node, int level) {
        if (node != size) {
            throw new IllegalStateException("graph nodes are added in ordinal order: expected " + size + ", got " + node);
        }
        if (level > Byte.MAX_VALUE) {
            throw new IllegalStateException("level " + level + " out of range");
        }
        reserve(size + 1);
        levels[node] = (byte) level;
        if (level > 0) {
            int[][] own = new int[level][];
            float[][] ownScores = new float[level][];
            for (int l = 0; l < level; l++) {
                own[l] = new int[maxLinks + 1];
                ownScores[l] = new float[maxLinks + 1];
            }
            upper[node] = own;
            upperScores[node] = ownScores;
        }
        size++;
    }

    /** Makes room for at least {@code nodes} nodes in all, so adding them copies no array. */
    void reserve(int nodes) {
        if (nodes > levels.length) {
            int capacity = Math.max(nodes, Math.max(64, levels.length + (levels.length >> 1)));
            links0 = Arrays.copyOf(links0, capacity * stride0);
            upper = Arrays.copyOf(upper, capacity);
            scores0 = Arrays.copyOf(scores0, capacity * stride0);
            upperScores = Arrays.copyOf(upperScores, capacity);
            levels = Arrays.copyOf(levels, capacity);
        }
    }

    /** Makes a node the entry point; it must reach the top level or above. */
    void setEntry(int node) {
        assert levels[node] >= topLevel() : "entry node " + node + " of level " + levels[node] + " below top "
                + topLevel();
        entryNode = node;
    }

    /** The array holding a node's links on a level; see {@link #linksOffset}. The count comes first. */
    int[] linksArray(int node, int level) {
        assert level <= levels[node] : "node " + node + " is not on level " + level;
        return level == 0 ? links0 : upper[node][level - 1];
    }

    /** The scores of {@link #linksArray}'s links, at the same indices. */
    private float[] scoresArray(int node, int level) {
        return level == 0 ? scores0 : upperScores[node][level - 1];
    }

    /**
     * Copies a node's links on a level and their scores into {@code nodes} and {@code scores}; returns how
     * many. The caller holds the node's lock in a parallel build.
     */
    int copyLinks(int node, int level, int[] nodes, float[] scores) {
        int count = copyLinks(node, level, nodes);
        System.arraycopy(scoresArray(node, level), linksOffset(node, level) + 1, scores, 0, count);
        return count;
    }

    /** Where a node's count-then-links run starts in {@link #linksArray}. */
    int linksOffset(int node, int level) {
        return level == 0 ? node * stride0 : 0;
    }

    /**
     * Copies a node's links on a level into {@code out} and returns how many; {@code out} holds at least
     * {@link #maxLinks}(level). Under the node's lock when {@code locked} (a parallel build's searches).
     */
    int copyLinks(int node, int level, int[] out, boolean locked) {
        if (!locked) {
            return copyLinks(node, level, out);
        }
        ReentrantLock lock = lockOf(node);
        lock.lock();
        try {
            return copyLinks(node, level, out);
        } finally {
            lock.unlock();
        }
    }

    private int copyLinks(int node, int level, int[] out) {
        int[] links = linksArray(node, level);
        int off = linksOffset(node, level);
        int count = links[off];
        System.arraycopy(links, off + 1, out, 0, count);
        return count;
    }

    /** Whether a node links to another on a level. */
    boolean hasLink(int node, int level, int neighbour) {
        int[] links = linksArray(node, level);
        int off = linksOffset(node, level);
        for (int i = 1; i <= links[off]; i++) {
            if (links[off + i] == neighbour) {
                return true;
            }
        }
        return false;
    }

    /**
     * What is wrong with the links, or null when nothing is: every list within its level's bound, of
     * nodes on that level, without self links or duplicates; the entry on the top level. For assertions
     * after a build and for tests.
     */
    String problems() {
        if (size > 0 && (entryNode < 0 || entryNode >= size)) {
            return "entry " + entryNode + " of " + size + " nodes";
        }
        for (int node = 0; node < size; node++) {
            for (int level = 0; level <= levels[node]; level++) {
                int[] links = linksArray(node, level);
                int off = linksOffset(node, level);
                int count = links[off];
                if (count < 0 || count > maxLinks(level)) {
                    return "node " + node + " has " + count + " links on level " + level;
                }
                for (int i = 1; i <= count; i++) {
                    int n = links[off + i];
                    if (n == node || n < 0 || n >= size || levels[n] < level) {
                        return "node " + node + " links to " + n + " on level " + level;
                    }
                    for (int j = 1; j < i; j++) {
                        if (links[off + j] == n) {
                            return "node " + node + " links twice to " + n + " on level " + level;
                        }
                    }
                }
            }
        }
        return null;
    }

    int linkCount(int node, int level) {
        return linksArray(node, level)[linksOffset(node, level)];
    }

    /** Replaces a node's links on a level with {@code nodes[0..count)}, of scores {@code scores[0..count)}. */
    void setLinks(int node, int level, int[] nodes, float[] scores, int count) {
        assert count <= maxLinks(level) : count + " links on level " + level + " exceed " + maxLinks(level);
        for (int i = 0; i < count; i++) {
            assert nodes[i] != node : "node " + node + " linked to itself on level " + level;
        }
        int[] links = linksArray(node, level);
        int off = linksOffset(node, level);
        links[off] = count;
        System.arraycopy(nodes, 0, links, off + 1, count);
        System.arraycopy(scores, 0, scoresArray(node, level), off + 1, count);
    }

    /** Appends a link of score {@code score}; the caller has checked there is room. */
    void addLink(int node, int level, int neighbour, float score) {
        int[] links = linksArray(node, level);
        int off = linksOffset(node, level);
        int count = links[off];
        assert count < maxLinks(level) : "node " + node + " is full on level " + level;
        assert neighbour != node : "node " + node + " linked to itself";
        links[off + 1 + count] = neighbour;
        scoresArray(node, level)[off + 1 + count] = score;
        links[off] = count + 1;
    }
}
