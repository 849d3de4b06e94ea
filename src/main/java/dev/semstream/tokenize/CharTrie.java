package dev.semstream.tokenize;

import java.util.HashMap;
import java.util.Map;

/**
 * An immutable trie over UTF-16 chars mapping vocabulary strings to token ids.
 *
 * <p>Why a trie: WordPiece asks "what is the longest vocabulary entry that starts here?" for every
 * piece. A trie answers in one forward walk, with no substring allocation and no re-hashing of
 * ever shorter candidates as a {@code HashMap<String, Integer>} would need. Edges live in one
 * open-addressing table keyed by (parent node, char), so a step is a multiply, a mask and
 * usually one probe.
 */
final class CharTrie {
    /** Returned by {@link #child} and {@link #walk} when there is no such path. */
    static final int NONE = -1;

    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private final long[] edgeKeys; // edgeKey(parent, c); 0 marks an empty slot
    private final int[] edgeChildren;
    private final int shift;
    private final int mask;
    private final int[] tokenIdByNode; // NONE where no vocabulary entry ends at the node

    private CharTrie(long[] edgeKeys, int[] edgeChildren, int shift, int[] tokenIdByNode) {
        this.edgeKeys = edgeKeys;
        this.edgeChildren = edgeChildren;
        this.shift = shift;
        this.mask = edgeKeys.length - 1;
        this.tokenIdByNode = tokenIdByNode;
    }

    /** Builds a trie holding every entry of {@code vocab}; ids must be non-negative. */
    static CharTrie of(Map<String, Integer> vocab) {
        Map<Long, Integer> edges = new HashMap<>(vocab.size() * 4);
        IntList tokenIds = new IntList(vocab.size() * 3);
        tokenIds.add(NONE); // the root
        for (Map.Entry<String, Integer> entry : vocab.entrySet()) {
            String token = entry.getKey();
            int node = 0;
            for (int i = 0; i < token.length(); i++) {
                long key = edgeKey(node, token.charAt(i));
                Integer next = edges.get(key);
                if (next == null) {
                    next = tokenIds.size();
                    tokenIds.add(NONE);
                    edges.put(key, next);
                }
                node = next;
            }
            tokenIds.set(node, entry.getValue());
        }
        int bits = Math.max(4, 64 - Long.numberOfLeadingZeros((long) edges.size() * 2 - 1));
        long[] keys = new long[1 << bits];
        int[] children = new int[1 << bits];
        int shift = 64 - bits;
        for (Map.Entry<Long, Integer> edge : edges.entrySet()) {
            int slot = slot(edge.getKey(), shift);
            while (keys[slot] != 0) {
                slot = (slot + 1) & (keys.length - 1);
            }
            keys[slot] = edge.getKey();
            children[slot] = edge.getValue();
        }
        int[] ids = new int[tokenIds.size()];
        tokenIds.copyTo(ids.length, ids, 0);
        return new CharTrie(keys, children, shift, ids);
    }

    int root() {
        return 0;
    }

    /** The node reached from {@code node} by {@code c}, or {@link #NONE}. */
    int child(int node, char c) {
        long key = edgeKey(node, c);
        int slot = slot(key, shift);
        long found;
        while ((found = edgeKeys[slot]) != 0) {
            if (found == key) {
                return edgeChildren[slot];
            }
            slot = (slot + 1) & mask;
        }
        return NONE;
    }

    /** The node reached from {@code node} by all of {@code path}, or {@link #NONE}. */
    int walk(int node, String path) {
        for (int i = 0; i < path.length() && node != NONE; i++) {
            node = child(node, path.charAt(i));
        }
        return node;
    }

    /** The id of the vocabulary entry that ends at {@code node}, or {@link #NONE}. */
    int tokenId(int node) {
        return tokenIdByNode[node];
    }

    private static long edgeKey(int parent, char c) {
        return (((long) parent << 16) | c) + 1;
    }

    private static int slot(long key, int shift) {
        return (int) ((key * GOLDEN) >>> shift);
    }
}
