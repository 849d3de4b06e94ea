package dev.semstream.model.sampling;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * The tokens still in the running for one draw, most likely first (ties: lower id first), with their
 * probabilities. The top-k and top-p samplers are this class's steps in different orders.
 */
final class Candidates {
    private final int[] ids;
    private final double[] probabilities;
    private int size;

    private Candidates(int[] ids, int size) {
        this.ids = ids;
        this.size = size;
        this.probabilities = new double[size];
    }

    int size() {
        return size;
    }

    int id(int i) {
        return ids[i];
    }

    double probability(int i) {
        return probabilities[i];
    }

    /**
     * What a top-k and/or top-p sampler draws from: the {@code topK} most likely tokens when topK > 0, then the
     * nucleus of mass {@code topP} among them when topP < 1 (the order Hugging Face applies them); top-p alone
     * is the nucleus of the whole vocabulary. The one definition of the kept set, for the samplers and for
     * {@link NextTokenDistribution}.
     */
    static Candidates of(float[] logits, int topK, float topP, float temperature) {
        if (topK > 0) {
            Candidates c = topK(logits, topK, temperature);
            if (topP < 1) {
                c.keepNucleus(topP);
            }
            return c;
        }
        return nucleus(logits, topP, temperature);
    }

    /** The k tokens with the highest logits, via a size-k min-heap: one pass, no full sort. */
    private static Candidates topK(float[] logits, int k, float temperature) {
        int n = Math.min(k, logits.length);
        long[] heap = new long[n];
        int filled = 0;
        for (int i = 0; i < logits.length; i++) {
            long key = key(logits[i], i);
            if (filled < n) {
                heap[filled] = key;
                siftUp(heap, filled++);
            } else if (key > heap[0]) {
                heap[0] = key;
                siftDown(heap, n);
            }
        }
        return sorted(heap, logits, temperature);
    }

    /**
     * The smallest set of most likely tokens whose probability under softmax(logits / temperature) reaches p.
     * A token below {@code (1 - p) / (n - 1)} cannot be in it (all such tokens together hold less than 1 - p),
     * so only the others are sorted: usually a few hundred of 50,257.
     */
    private static Candidates nucleus(float[] logits, float p, float temperature) {
        float max = Float.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double sum = 0;
        for (float l : logits) {
            sum += Math.exp((l - max) / temperature);
        }
        double cutoff = logits.length > 1 ? (1 - p) / (logits.length - 1) * sum : 0;
        long[] keys = new long[logits.length];
        int count = 0;
        for (int i = 0; i < logits.length; i++) {
            if (Math.exp((logits[i] - max) / temperature) >= cutoff) {
                keys[count++] = key(logits[i], i);
            }
        }
        Candidates c = sorted(Arrays.copyOf(keys, count), logits, temperature);
        // The weights share one scale (exp of logit minus the maximum), so the full sum is the reference mass.
        c.keepMass(p * sum);
        return c;
    }

    /** Keeps the smallest prefix whose share of the current candidates' probability mass reaches p. */
    private void keepNucleus(float p) {
        double total = 0;
        for (int i = 0; i < size; i++) {
            total += probabilities[i];
        }
        keepMass(p * total);
    }

    /** Keeps the smallest prefix whose (unnormalised) weights add up to at least {@code mass}. */
    private void keepMass(double mass) {
        double cumulative = 0;
        for (int i = 0; i < size; i++) {
            cumulative += probabilities[i];
            if (cumulative >= mass) {
                size = i + 1;
                return;
            }
        }
    }

    /** One draw in proportion to the kept probabilities. */
    int draw(RandomGenerator random) {
        double total = 0;
        for (int i = 0; i < size; i++) {
            total += probabilities[i];
        }
        double u = random.nextDouble() * total;
        double cumulative = 0;
        for (int i = 0; i < size; i++) {
            cumulative += probabilities[i];
            if (u < cumulative) {
                return ids[i];
            }
        }
        return ids[size - 1];
    }

    /** Candidates from keys sorted best first, with softmax(logit / temperature) over just them. */
    private static Candidates sorted(long[] keys, float[] logits, float temperature) {
        Arrays.sort(keys);
        int n = keys.length;
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = Integer.MAX_VALUE - (int) keys[n - 1 - i];
        }
        Candidates c = new Candidates(ids, n);
        float max = n == 0 ? 0 : logits[ids[0]];
        for (int i = 0; i < n; i++) {
            c.probabilities[i] = Math.exp((logits[ids[i]] - max) / temperature);
        }
        return c;
    }

    /** Orders by logit, then by lower id: float bits made sortable as a signed int, the id below them. */
    private static long key(float logit, int id) {
        int bits = Float.floatToIntBits(logit);
        int sortable = bits ^ ((bits >> 31) & 0x7FFFFFFF);
        return ((long) sortable << 32) | (Integer.MAX_VALUE - id);
    }

    private static void siftUp(long[] heap, int i) {
        long v = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (heap[parent] <= v) {
                break;
            }
            heap[i] = heap[parent];
            i = parent;
        }
        heap[i] = v;
    }

    private static void siftDown(long[] heap, int size) {
        long v = heap[0];
        int i = 0;
        while (true) {
            int child = 2 * i + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && heap[child + 1] < heap[child]) {
                child++;
            }
            if (heap[child] >= v) {
                break;
            }
            heap[i] = heap[child];
            i = child;
        }
        heap[i] = v;
    }
}
