package dev.semstream.store;

import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

/**
 * An inverted index from each metadata key=value pair to the ordinals that carry it, so a filter is a
 * few bitset ANDs (a million ordinals are 16k words) instead of a map lookup per scanned row. Only live
 * ordinals are in it: a deleted or replaced ordinal is taken out.
 *
 * <p>Not thread-safe; {@link VectorIndex} guards it.
 */
final class MetadataIndex {
    private final Map<String, Map<String, BitSet>> postings = new HashMap<>();

    void add(int ordinal, Map<String, String> metadata) {
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            postings.computeIfAbsent(e.getKey(), key -> new HashMap<>())
                    .computeIfAbsent(e.getValue(), value -> new BitSet())
                    .set(ordinal);
        }
    }

    void remove(int ordinal, Map<String, String> metadata) {
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            Map<String, BitSet> values = postings.get(e.getKey());
            BitSet bits = values == null ? null : values.get(e.getValue());
            assert bits != null && bits.get(ordinal) : "ordinal " + ordinal + " was not indexed under " + e;
            bits.clear(ordinal);
            // Drop emptied postings, or an index of ever-changing values (timestamps, ids) would only grow.
            if (bits.isEmpty()) {
                values.remove(e.getValue());
                if (values.isEmpty()) {
                    postings.remove(e.getKey());
                }
            }
        }
    }

    /**
     * Whether the metadata has every filter pair (an empty filter matches everything): the rule
     * {@link #matching} applies through the postings, for entries that are in no index.
     */
    static boolean matches(Map<String, String> metadata, Map<String, String> filters) {
        for (Map.Entry<String, String> f : filters.entrySet()) {
            if (!f.getValue().equals(metadata.get(f.getKey()))) {
                return false;
            }
        }
        return true;
    }

    /** A new bitset of the live ordinals whose metadata has every filter pair; filters must not be empty. */
    BitSet matching(Map<String, String> filters) {
        assert !filters.isEmpty() : "an empty filter matches everything; callers handle it without a bitset";
        BitSet result = null;
        for (Map.Entry<String, String> f : filters.entrySet()) {
            Map<String, BitSet> values = postings.get(f.getKey());
            BitSet bits = values == null ? null : values.get(f.getValue());
            if (bits == null) {
                return new BitSet();
            }
            if (result == null) {
                result = (BitSet) bits.clone();
            } else {
                result.and(bits);
            }
        }
        return result;
    }
}
