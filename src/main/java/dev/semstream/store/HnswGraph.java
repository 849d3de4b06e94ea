package dev.semstream.store;

import java.util.Arrays;

/**
 * The links of a hierarchical navigable small world graph (Malkov and Yashunin, 2016): node n is vector
 * ordinal n. Every node is on level 0; a node of level L is also on levels 1..L, each level up holding
 * exponentially fewer nodes. Level 0 keeps up to {@code 2m} links per node, the upper levels {@code m}.
 *
 * <p>Level 0 is one flat int array, {@code maxLinks0 + 1} ints per node (the count, then the links), so
 * the search's hot loop reads one contiguous run per node. The sparse upper levels are small arrays per
 * node and level.
 *
 * <p>Deleted vectors keep their nodes and links: they still route searches to their neighbours, and the
 * search skips them when it collects results. Not thread-safe; {@link VectorIndex} guards it.
 */
final class HnswGraph {
    private final int maxLinks;
    private final int maxLinks0;
    private final int stride0;
    private int[] links0 = new int[0];
    private int[][][] upper = new int[0][][];
    private byte[] levels = new byte[0];
    private int size;
    private int entryNode = -1;
    private int topLevel = -1;

    HnswGraph(int m) {
        this.maxLinks = m;
        this.maxLinks0 = 2 * m;
        this.stride0 = maxLinks0 + 1;
    }

    int size() {
        return size;
    }

    /** Where every search starts: a node of the top level; -1 while the graph is empty. */
    int entryNode() {
        return entryNode;
    }

    int topLevel() {
        return topLevel;
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
        if (size == levels.length) {
            int capacity = Math.max(64, size + (size >> 1));
            links0 = Arrays.copyOf(links0, capacity * stride0);
            upper = Arrays.copyOf(upper, capacity);
            levels = Arrays.copyOf(levels, capacity);
        }
        levels[node] = (byte) level;
        if (level > 0) {
            int[][] own = new int[level][];
            for (int l = 0; l < level; l++) {
                own[l] = new int[maxLinks + 1];
            }
            upper[node] = own;
        }
        size++;
    }

    /** Makes a node the entry point; it must reach the top level or above. */
    void setEntry(int node) {
        assert levels[node] >= topLevel : "entry node " + node + " of level " + levels[node] + " below top " + topLevel;
        entryNode = node;
        topLevel = levels[node];
    }

    /** The array holding a node's links on a level; see {@link #linksOffset}. The count comes first. */
    int[] linksArray(int node, int level) {
        assert level <= levels[node] : "node " + node + " is not on level " + level;
        return level == 0 ? links0 : upper[node][level - 1];
    }

    /** Where a node's count-then-links run starts in {@link #linksArray}. */
    int linksOffset(int node, int level) {
        return level == 0 ? node * stride0 : 0;
    }

    int linkCount(int node, int level) {
        return linksArray(node, level)[linksOffset(node, level)];
    }

    /** Replaces a node's links on a level with {@code nodes[0..count)}. */
    void setLinks(int node, int level, int[] nodes, int count) {
        assert count <= maxLinks(level) : count + " links on level " + level + " exceed " + maxLinks(level);
        int[] links = linksArray(node, level);
        int off = linksOffset(node, level);
        links[off] = count;
        System.arraycopy(nodes, 0, links, off + 1, count);
    }

    /** Appends a link; the caller has checked there is room. */
    void addLink(int node, int level, int neighbour) {
        int[] links = linksArray(node, level);
        int off = linksOffset(node, level);
        int count = links[off];
        assert count < maxLinks(level) : "node " + node + " is full on level " + level;
        assert neighbour != node : "node " + node + " linked to itself";
        links[off + 1 + count] = neighbour;
        links[off] = count + 1;
    }
}
