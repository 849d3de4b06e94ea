package dev.semstream.model;

/**
 * Scaled dot-product attention, the one place the engine computes it.
 *
 * <p>For every head, each query vector is compared with every key vector it may see; the scores, scaled
 * by {@code 1 / sqrt(headSize)} and passed through a softmax, weight a sum of the value vectors:
 * <pre>  out_i = sum_j softmax_j(q_i . k_j / sqrt(d)) v_j</pre>
 * Which keys a query may see is the mask. The encoder packs several texts into one matrix without
 * padding, so its mask is "keys of the same text" (the {@link Sequence} bounds): the padding mask with
 * the padding removed. A decoder adds the causal mask, query i sees keys up to its own position, and
 * reads keys and values of earlier positions from its cache; {@link #attendHead} takes both.
 *
 * <p>Layout: Q, K and V rows are read from strided matrices (e.g. one fused [tokens][3 x hidden] QKV
 * projection), head h occupying columns [h * headSize, (h + 1) * headSize) of each.
 */
public final class Attention {

    /**
     * Per-thread scratch: the transposed keys of one head and one row of scores. Reused across calls on
     * the same thread so the attention loop allocates nothing; grown when a longer sequence arrives.
     */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private Attention() {
    }

    /** Rows [start, start + length) of a packed batch belong to one text. */
    public record Sequence(int start, int length) {
    }

    /**
     * Bidirectional self-attention for a batch of packed texts: every token attends to every token of
     * its own text. Runs (text, head) pairs in parallel.
     *
     * @param qkv       [tokens][qkvStride] with Q at column qCol, K at kCol, V at vCol
     * @param out       [tokens][outStride], head outputs written side by side from column 0
     */
    public static void selfAttention(Kernels kernels, Sequence[] sequences, float[] qkv, int qkvStride,
                                     int qCol, int kCol, int vCol, float[] out, int outStride,
                                     int numHeads, int headSize) {
        Parallel.forEach(sequences.length * numHeads, task -> {
            Sequence s = sequences[task / numHeads];
            int head = task % numHeads;
            int row0 = s.start() * qkvStride;
            attendHead(kernels, head, headSize, s.length(), s.length(), false,
                    qkv, row0 + qCol, qkvStride,
                    qkv, row0 + kCol, qkvStride,
                    qkv, row0 + vCol, qkvStride,
                    out, s.start() * outStride, outStride);
        });
    }

    /**
     * One head of attention for {@code queries} query rows over {@code keys} key/value rows.
     * With {@code causal}, query i is the (keys - queries + i)-th position and sees keys up to and
     * including it: the last {@code queries} positions of a sequence whose earlier keys are cached.
     * Offsets point at row 0, column 0 of each matrix; the head's columns are added here.
     */
    public static void attendHead(Kernels kernels, int head, int headSize, int queries, int keys, boolean causal,
                                  float[] q, int qOff, int qStride,
                                  float[] k, int kOff, int kStride,
                                  float[] v, int vOff, int vStride,
                                  float[] out, int outOff, int outStride) {
        if (queries < 0 || keys < queries) {
            throw new IllegalArgumentException(queries + " queries cannot attend over " + keys + " keys");
        }
        int col = head * headSize;
        float scale = (float) (1.0 / Math.sqrt(headSize));
        Scratch scratch = SCRATCH.get();
        float[] kt = scratch.keys(headSize * keys);
        float[] scores = scratch.scores(keys);
        // Transpose this head's keys to [headSize][keys], folding in the 1/sqrt(d) scale once.
        for (int j = 0; j < keys; j++) {
            int src = kOff + j * kStride + col;
            for (int d = 0; d < headSize; d++) {
                kt[d * keys + j] = k[src + d] * scale;
            }
        }
        int firstQueryPosition = keys - queries;
        for (int i = 0; i < queries; i++) {
            int visible = causal ? firstQueryPosition + i + 1 : keys;
            kernels.scoreKeys(q, qOff + i * qStride + col, headSize, kt, keys, scores, visible);
            kernels.softmax(scores, 0, visible);
            kernels.mixValues(scores, visible, v, vOff + col, vStride, out, outOff + i * outStride + col, headSize);
        }
    }

    private static final class Scratch {
        private float[] keys = new float[0];
        private float[] scores = new float[0];

        float[] keys(int size) {
            if (keys.length < size) {
                keys = new float[size];
            }
            return keys;
        }

        float[] scores(int size) {
            if (scores.length < size) {
                scores = new float[size];
            }
            return scores;
        }
    }
}
