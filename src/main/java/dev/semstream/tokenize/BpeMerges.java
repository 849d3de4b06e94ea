package dev.semstream.tokenize;

import java.util.Arrays;

/**
 * The merge table of a byte-level BPE: for a pair of adjacent tokens, its rank (earlier merges win) and
 * the token it merges into. Pairs are keyed by the two token ids in one long, in an open-addressing table,
 * so a lookup costs no allocation.
 */
final class BpeMerges {
    private static final long EMPTY = -1L;
    private final long[] keys;
    private final int[] ranks;
    private final int[] mergedByRank;
    private final int mask;

    /**
     * @param left   left token id of merge r, for r in rank order
     * @param right  right token id of merge r
     * @param merged the token id merge r produces
     */
    BpeMerges(int[] left, int[] right, int[] merged) {
        int capacity = Integer.highestOneBit(Math.max(16, left.length * 2)) * 2;
        keys = new long[capacity];
        ranks = new int[capacity];
        Arrays.fill(keys, EMPTY);
        mask = capacity - 1;
        mergedByRank = merged.clone();
        for (int r = 0; r < left.length; r++) {
            long key = key(left[r], right[r]);
            int slot = slot(key);
            while (keys[slot] != EMPTY && keys[slot] != key) {
                slot = (slot + 1) & mask;
            }
            if (keys[slot] == EMPTY) {
                // A pair listed twice keeps its first, lower rank, as Hugging Face's BPE does.
                keys[slot] = key;
                ranks[slot] = r;
            }
        }
    }

    int size() {
        return mergedByRank.length;
    }

    /** The rank of merging left then right, or -1 if the pair never merges. */
    int rank(int left, int right) {
        long key = key(left, right);
        for (int slot = slot(key); ; slot = (slot + 1) & mask) {
            long k = keys[slot];
            if (k == key) {
                return ranks[slot];
            }
            if (k == EMPTY) {
                return -1;
            }
        }
    }

    /** The token merge {@code rank} produces. */
    int merged(int rank) {
        return mergedByRank[rank];
    }

    /**
     * Applies the merges to one piece, given as its single-byte tokens: the lowest-ranked adjacent pair merges
     * first, equal ranks left to right, until no pair merges. A heap of candidate pairs (rank, position) over
     * a linked list of symbols makes it O(n log n), so a long piece (a run of 10,000 spaces) stays cheap.
     */
    int[] apply(int[] symbols) {
        int n = symbols.length;
        if (n < 2) {
            return symbols.clone();
        }
        int[] ids = symbols.clone();
        int[] prev = new int[n];
        int[] next = new int[n];
        LongHeap heap = new LongHeap(n);
        for (int i = 0; i < n; i++) {
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        for (int i = 0; i + 1 < n; i++) {
            push(heap, ids[i], ids[i + 1], i);
        }
        int alive = n;
        while (!heap.isEmpty()) {
            long top = heap.pop();
            int rank = (int) (top >>> 32);
            int i = (int) top;
            int j = next[i];
            // Stale entries (a symbol already merged away or changed) are skipped, not removed.
            if (ids[i] < 0 || j < 0 || rank(ids[i], ids[j]) != rank) {
                continue;
            }
            ids[i] = mergedByRank[rank];
            ids[j] = -1;
            next[i] = next[j];
            if (next[j] >= 0) {
                prev[next[j]] = i;
            }
            alive--;
            if (prev[i] >= 0) {
                push(heap, ids[prev[i]], ids[i], prev[i]);
            }
            if (next[i] >= 0) {
                push(heap, ids[i], ids[next[i]], i);
            }
        }
        int[] out = new int[alive];
        for (int i = 0, o = 0; i >= 0; i = next[i]) {
            out[o++] = ids[i];
        }
        return out;
    }

    private void push(LongHeap heap, int left, int right, int position) {
        int r = rank(left, right);
        if (r >= 0) {
            heap.push(((long) r << 32) | position);
        }
    }

    private static long key(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFFFFFFL);
    }

    private int slot(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 32) & mask;
    }

    /** A binary min-heap of longs. */
    private static final class LongHeap {
        private long[] a;
        private int size;

        LongHeap(int capacity) {
            a = new long[Math.max(4, capacity)];
        }

        boolean isEmpty() {
            return size == 0;
        }

        void push(long v) {
            if (size == a.length) {
                a = Arrays.copyOf(a, size * 2);
            }
            int i = size++;
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                if (a[parent] <= v) {
                    break;
                }
                a[i] = a[parent];
                i = parent;
            }
            a[i] = v;
        }

        long pop() {
            long top = a[0];
            long last = a[--size];
            int i = 0;
            while (true) {
                int child = 2 * i + 1;
                if (child >= size) {
                    break;
                }
                if (child + 1 < size && a[child + 1] < a[child]) {
                    child++;
                }
                if (a[child] >= last) {
                    break;
                }
                a[i] = a[child];
                i = child;
            }
            a[i] = last;
            return top;
        }
    }
}
