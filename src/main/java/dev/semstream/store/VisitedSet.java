package dev.semstream.store;

/**
 * The nodes one graph search has seen. A stamp per node instead of a bitset: starting the next search is
 * bumping the stamp, not clearing a million bits. Reused across the searches of one thread.
 */
final class VisitedSet {
    private int[] stamps = new int[0];
    private int stamp;

    /** Starts a new search over nodes [0, nodes). */
    void reset(int nodes) {
        if (stamps.length < nodes) {
            stamps = new int[Math.max(nodes, stamps.length + (stamps.length >> 1))];
            stamp = 0;
        }
        if (++stamp == Integer.MAX_VALUE) {
            java.util.Arrays.fill(stamps, 0);
            stamp = 1;
        }
    }

    /** Marks a node seen; true if it was not seen before in this search. */
    boolean visit(int node) {
        if (stamps[node] == stamp) {
            return false;
        }
        stamps[node] = stamp;
        return true;
    }
}
