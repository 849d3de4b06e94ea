package dev.semstream.store;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * A uniform sample of at most {@code capacity} vectors of one model: the vectors whose ids have the
 * smallest keys, a key being a seeded 64-bit hash of the id (bottom-k sampling). Unlike a reservoir drawn
 * with a random generator, the sample depends only on the set of ids and the seed, not on the order the
 * vectors are offered in, so it is the same for a given store and seed however its partitions are spread;
 * and samples of disjoint stores {@link #merge merge} into a uniform sample of their union.
 *
 * <p>Not thread-safe: one sample is filled by one thread.
 */
public final class VectorSample {
    /** One sampled vector. */
    public record Row(String id, long key, float[] vector) {
    }

    /** Smallest key first, ties (64-bit collisions) by id, so the order is total and deterministic. */
    private static final Comparator<Row> ORDER = Comparator.comparingLong(Row::key).thenComparing(Row::id);

    private final String modelId;
    private final int dimension;
    private final int capacity;
    private final long seed;
    /** The kept rows, largest key on top: the one a smaller key displaces. */
    private final PriorityQueue<Row> kept;
    private long offered;

    public VectorSample(String modelId, int dimension, int capacity, long seed) {
        if (capacity < 1) {
            throw new IllegalArgumentException("a sample holds at least one vector, not " + capacity);
        }
        this.modelId = modelId;
        this.dimension = dimension;
        this.capacity = capacity;
        this.seed = seed;
        this.kept = new PriorityQueue<>(Math.min(capacity, 1024) + 1, ORDER.reversed());
    }

    public String modelId() {
        return modelId;
    }

    public int dimension() {
        return dimension;
    }

    public long seed() {
        return seed;
    }

    /** The sampling key of an id under a seed: FNV-1a over its chars, then a SplitMix64 finaliser. */
    public static long key(long seed, String id) {
        long h = 0xcbf29ce484222325L ^ seed;
        for (int i = 0; i < id.length(); i++) {
            h ^= id.charAt(i);
            h *= 0x100000001b3L;
        }
        h += 0x9e3779b97f4a7c15L;
        h = (h ^ (h >>> 30)) * 0xbf58476d1ce4e5b9L;
        h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
        return h ^ (h >>> 31);
    }

    /** Offers a vector; it is copied only if kept. */
    public void offer(String id, float[] vector) {
        offer(id, vector, 0);
    }

    /** Offers the row of {@code dimension} floats at {@code offset} of {@code data}; copied only if kept. */
    void offer(String id, float[] data, int offset) {
        offered++;
        long key = key(seed, id);
        if (kept.size() == capacity) {
            Row largest = kept.peek();
            if (Long.compare(key, largest.key()) > 0 || key == largest.key() && id.compareTo(largest.id()) >= 0) {
                return;
            }
            kept.poll();
        }
        float[] copy = new float[dimension];
        System.arraycopy(data, offset, copy, 0, dimension);
        kept.add(new Row(id, key, copy));
    }

    /** Vectors offered, kept or not. */
    public long offered() {
        return offered;
    }

    public int size() {
        return kept.size();
    }

    /** True when more vectors were offered than kept: the sample stands for a larger store. */
    public boolean truncated() {
        return offered > kept.size();
    }

    /** The kept rows, smallest key first. */
    public List<Row> rows() {
        List<Row> rows = new ArrayList<>(kept);
        rows.sort(ORDER);
        return rows;
    }

    /**
     * Rebuilds a sample another instance drew (its rows and how many it was offered), to {@link #merge}.
     */
    public static VectorSample of(String modelId, int dimension, int capacity, long seed, List<Row> rows,
                                  long offered) {
        VectorSample s = new VectorSample(modelId, dimension, capacity, seed);
        for (Row r : rows) {
            s.offer(r.id(), r.vector());
        }
        s.offered = Math.max(offered, s.offered);
        return s;
    }

    /**
     * A uniform sample of at most {@code capacity} of the union of the stores the parts were drawn from
     * (with one seed). A truncated part holds exactly its store's vectors up to its largest key, so only
     * keys up to the smallest such bound are known for every store; below it the union's bottom keys are
     * complete. An id in two parts (a partition answered twice during a takeover) counts once.
     */
    public static VectorSample merge(String modelId, int dimension, int capacity, long seed, List<VectorSample> parts) {
        long bound = Long.MAX_VALUE;
        String boundId = null;
        for (VectorSample p : parts) {
            if (p.seed != seed) {
                throw new IllegalArgumentException("samples drawn with seeds " + p.seed + " and " + seed + " do not merge");
            }
            if (p.truncated() && !p.kept.isEmpty()) {
                Row largest = p.kept.peek();
                if (boundId == null || ORDER.compare(largest, new Row(boundId, bound, null)) < 0) {
                    bound = largest.key();
                    boundId = largest.id();
                }
            }
        }
        Map<String, Row> union = new HashMap<>();
        long offered = 0;
        for (VectorSample p : parts) {
            offered += p.offered;
            for (Row r : p.kept) {
                if (boundId == null || ORDER.compare(r, new Row(boundId, bound, null)) <= 0) {
                    union.putIfAbsent(r.id(), r);
                }
            }
        }
        VectorSample merged = new VectorSample(modelId, dimension, capacity, seed);
        for (Row r : union.values()) {
            merged.offer(r.id(), r.vector());
        }
        // The union is larger than what was kept of it whenever any part, or the merge, dropped vectors.
        merged.offered = Math.max(merged.offered, boundId == null ? merged.offered : offered);
        return merged;
    }
}
