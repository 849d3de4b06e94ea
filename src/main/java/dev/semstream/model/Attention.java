package dev.semstream.model;

import dev.semstream.kernels.Epilogue;
import dev.semstream.kernels.Kernels;
import dev.semstream.kernels.PackedMatrix;
import dev.semstream.kernels.Parallel;

import java.util.Arrays;

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
     * Per-thread scratch for one head's operands. Reused across calls on the same thread so attention
     * allocates nothing in steady state; grown when a longer sequence arrives. Never shared: a task
     * reads and writes only its own thread's buffers, and finishes with them before it returns.
     */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private Attention() {
    }

    /** Rows [start, start + length) of a packed batch belong to one text. */
    public record Sequence(int start, int length) {
    }

    /**
     * Bidirectional self-attention for a batch of packed texts: every token attends to every token of
     * its own text. Runs (text, head) pairs in parallel; each pair is two small matrix products on the
     * GEMM micro-kernel, {@code S = Q K^T / sqrt(d)} and {@code O = softmax(S) V}.
     *
     * @param qkv       [tokens][qkvStride] with Q at column qCol, K at kCol, V at vCol
     * @param out       [tokens][outStride], head outputs written side by side from column 0
     */
    public static void selfAttention(Kernels kernels, Sequence[] sequences, float[] qkv, int qkvStride,
                                     int qCol, int kCol, int vCol, float[] out, int outStride,
                                     int numHeads, int headSize) {
        selfAttention(kernels, sequences, qkv, qkvStride, qCol, kCol, vCol, out, outStride, numHeads, headSize,
                null, 0);
    }

    /**
     * {@link #selfAttention} that also hands every probability row to {@code observer} (null: none), as
     * layer {@code layer}'s. The weights and the output are the same with or without it.
     */
    public static void selfAttention(Kernels kernels, Sequence[] sequences, float[] qkv, int qkvStride,
                                     int qCol, int kCol, int vCol, float[] out, int outStride,
                                     int numHeads, int headSize, AttentionObserver observer, int layer) {
        Parallel.forEach(sequences.length * numHeads, task -> {
            Sequence s = sequences[task / numHeads];
            int head = task % numHeads;
            int col = head * headSize;
            int row0 = s.start() * qkvStride;
            attendAll(kernels, headSize, s.length(), qkv, row0 + qCol + col, row0 + kCol + col, row0 + vCol + col,
                    qkvStride, out, s.start() * outStride + col, outStride);
            if (observer != null) {
                // The probabilities are still in this thread's scratch: the value GEMM reads, never writes them.
                float[] scores = SCRATCH.get().scores;
                int paddedKeys = paddedKeys(s.length(), kernels.panelWidth());
                for (int i = 0; i < s.length(); i++) {
                    observer.weights(layer, task / numHeads, head, i, scores, i * paddedKeys, s.length());
                }
            }
        });
    }

    private static int paddedKeys(int keys, int panelWidth) {
        return (keys + panelWidth - 1) / panelWidth * panelWidth;
    }

    /**
     * One head over one whole text, as two GEMMs on per-thread scratch. Offsets point at the head's column.
     * Both GEMMs run on whole panels only: the keys are padded with zero columns to a multiple of the panel
     * width, and so are the value rows and the head's output; the padding's scores are set to zero after the
     * softmax and its value rows are zero, so it adds nothing. A partial panel would run one row at a time with
     * masked loads (for a 12-token text every score row, for a 250-token text an eighth of them), and costs
     * more than the padding's few extra FMAs.
     */
    private static void attendAll(Kernels kernels, int headSize, int n, float[] qkv, int qOff, int kOff, int vOff,
                                  int stride, float[] out, int outOff, int outStride) {
        Scratch s = SCRATCH.get();
        int pw = kernels.panelWidth();
        float scale = (float) (1.0 / Math.sqrt(headSize));
        // K^T [headSize][paddedKeys], scaled by 1/sqrt(d) once, written straight into the packed-panel layout.
        // The padding columns keep whatever they held: their scores are overwritten with zeros below.
        int paddedKeys = paddedKeys(n, pw);
        int keyPanels = paddedKeys / pw;
        float[] kt = s.keys(keyPanels * headSize * pw);
        for (int j = 0; j < n; j++) {
            int base = (j / pw) * headSize * pw + j % pw;
            int src = kOff + j * stride;
            for (int d = 0; d < headSize; d++) {
                kt[base + d * pw] = qkv[src + d] * scale;
            }
        }
        float[] scores = s.scores(n * paddedKeys);
        // Q rows made contiguous: read in place, a head's queries lie spread over the whole QKV matrix (a
        // 250-token text: 1.1 MB), and every panel of the score GEMM reads them again; measured 13% slower.
        float[] q = s.queries(n * headSize);
        for (int i = 0; i < n; i++) {
            System.arraycopy(qkv, qOff + i * stride, q, i * headSize, headSize);
        }
        kernels.gemmTile(q, 0, headSize, 0, n, new PackedMatrix(kt, headSize, paddedKeys, pw), 0, keyPanels, null,
                scores, 0, paddedKeys, Epilogue.STORE);
        for (int i = 0; i < n; i++) {
            int row = i * paddedKeys;
            kernels.softmax(scores, row, n);
            Arrays.fill(scores, row + n, row + paddedKeys, 0f);
        }
        // V [paddedKeys][paddedHead] in the packed-panel layout, rows and columns past the text's zero; O = P V.
        int valuePanels = (headSize + pw - 1) / pw;
        int paddedHead = valuePanels * pw;
        float[] v = s.values(valuePanels * paddedKeys * pw);
        for (int p = 0; p < valuePanels; p++) {
            int width = Math.min(pw, headSize - p * pw);
            int panel = p * paddedKeys * pw;
            for (int j = 0; j < n; j++) {
                System.arraycopy(qkv, vOff + j * stride + p * pw, v, panel + j * pw, width);
            }
            zeroPaddingColumns(v, panel, n, pw, width % pw);
            Arrays.fill(v, panel + n * pw, panel + paddedKeys * pw, 0f);
        }
        // The head's output straight into its columns of the output rows; a head narrower than its panels goes
        // through scratch instead, as its padded columns would spill into the next head's.
        boolean inPlace = paddedHead == headSize;
        float[] context = inPlace ? out : s.context(n * paddedHead);
        kernels.gemmTile(scores, 0, paddedKeys, 0, n, new PackedMatrix(v, paddedKeys, paddedHead, pw), 0, valuePanels,
                null, context, inPlace ? outOff : 0, inPlace ? outStride : paddedHead, Epilogue.STORE);
        if (!inPlace) {
            for (int i = 0; i < n; i++) {
                System.arraycopy(context, i * paddedHead, out, outOff + i * outStride, headSize);
            }
        }
    }

    /** Zeroes columns [used, pw) of {@code rows} rows of one packed panel; nothing when the panel is full. */
    private static void zeroPaddingColumns(float[] panel, int off, int rows, int pw, int used) {
        if (used == 0) {
            return;
        }
        for (int r = 0; r < rows; r++) {
            Arrays.fill(panel, off + r * pw + used, off + (r + 1) * pw, 0f);
        }
    }

    /**
     * Causal self-attention of a decoder: {@code queries} new positions, whose keys and values are already
     * stored in the cache behind {@code cached} earlier ones, each attend to every position up to their own.
     * Heads run in parallel; each is {@link #attendHead} over the cache. The new positions arrive as a batch
     * during prompt processing and one at a time during generation.
     *
     * @param q      [queries][qStride], head h's query at columns [h * headSize, (h + 1) * headSize)
     * @param keys   [cached + queries][dim], the cache's keys, heads side by side (values the same)
     * @param out    [queries][outStride], head outputs written side by side from column 0
     */
    public static void causalSelfAttention(Kernels kernels, int numHeads, int headSize, int queries, int cached,
                                           float[] q, int qStride, float[] keys, float[] values,
                                           float[] out, int outStride) {
        causalSelfAttention(kernels, numHeads, headSize, queries, cached, q, qStride, keys, values, out, outStride,
                null, 0);
    }

    /**
     * {@link #causalSelfAttention} that also hands every probability row to {@code observer} (null: none), as
     * layer {@code layer}'s; query i is reported at its absolute position {@code cached + i}.
     */
    public static void causalSelfAttention(Kernels kernels, int numHeads, int headSize, int queries, int cached,
                                           float[] q, int qStride, float[] keys, float[] values,
                                           float[] out, int outStride, AttentionObserver observer, int layer) {
        int dim = numHeads * headSize;
        Parallel.forEach(numHeads, head -> attendHead(kernels, head, headSize, queries, cached + queries, true,
                q, 0, qStride, keys, 0, dim, values, 0, dim, out, 0, outStride, observer, layer));
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
        attendHead(kernels, head, headSize, queries, keys, causal, q, qOff, qStride, k, kOff, kStride, v, vOff, vStride,
                out, outOff, outStride, null, 0);
    }

    /** {@link #attendHead} that also hands every probability row to {@code observer} (null: none). */
    public static void attendHead(Kernels kernels, int head, int headSize, int queries, int keys, boolean causal,
                                  float[] q, int qOff, int qStride,
                                  float[] k, int kOff, int kStride,
                                  float[] v, int vOff, int vStride,
                                  float[] out, int outOff, int outStride, AttentionObserver observer, int layer) {
        if (queries < 0 || keys < queries) {
            throw new IllegalArgumentException(queries + " queries cannot attend over " + keys + " keys");
        }
        int col = head * headSize;
        float scale = (float) (1.0 / Math.sqrt(headSize));
        Scratch scratch = SCRATCH.get();
        float[] scores = scratch.scores(keys);
        if (queries == 1) {
            // One query (a generated token): a transpose would cost as much memory traffic as the scores
            // themselves, and be used once, so score each cached key with a dot product where it lies.
            int qRow = qOff + col;
            for (int j = 0; j < keys; j++) {
                scores[j] = kernels.dot(q, qRow, k, kOff + j * kStride + col, headSize) * scale;
            }
            kernels.softmax(scores, 0, keys);
            kernels.mixValues(scores, keys, v, vOff + col, vStride, out, outOff + col, headSize);
            if (observer != null) {
                observer.weights(layer, 0, head, keys - 1, scores, 0, keys);
            }
            return;
        }
        float[] kt = scratch.keys(headSize * keys);
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
            if (observer != null) {
                observer.weights(layer, 0, head, firstQueryPosition + i, scores, 0, visible);
            }
        }
    }

    /** Grow-only buffers; each holds one operand of the current head's attention. */
    private static final class Scratch {
        private float[] queries = new float[0];
        private float[] keys = new float[0];
        private float[] scores = new float[0];
        private float[] values = new float[0];
        private float[] context = new float[0];

        float[] queries(int size) {
            return queries.length >= size ? queries : (queries = new float[size]);
        }

        float[] keys(int size) {
            return keys.length >= size ? keys : (keys = new float[size]);
        }

        float[] scores(int size) {
            return scores.length >= size ? scores : (scores = new float[size]);
        }

        float[] values(int size) {
            return values.length >= size ? values : (values = new float[size]);
        }

        float[] context(int size) {
            return context.length >= size ? context : (context = new float[size]);
        }
    }
}
