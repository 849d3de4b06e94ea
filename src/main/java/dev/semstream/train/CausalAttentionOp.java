package dev.semstream.train;

import dev.semstream.kernels.Epilogue;
import dev.semstream.kernels.Kernels;
import dev.semstream.kernels.PackedMatrix;
import dev.semstream.kernels.Parallel;

/**
 * Causal self-attention over the fused QKV rows, forward and backward, one task per (sequence, head), each a few
 * small GEMMs on the shared micro-kernel. Forward, nanoGPT's
 * <pre>
 *   att = (q @ k^T) / sqrt(hs);  att = att.masked_fill(mask == 0, -inf);  att = softmax(att);  y = att @ v
 * </pre>
 * saving the probabilities {@code att} [seqLen][seqLen] of every (sequence, head) for the backward pass. Query
 * row blocks skip the key panels wholly in their future; masked probabilities are stored as zeros, so the
 * products that follow need no mask.
 *
 * <p>A task writes only its own head's columns and its own probabilities, and uses its thread's scratch, which
 * it finishes with before it returns; nothing depends on which thread runs it.
 */
final class CausalAttentionOp {
    private final Kernels kernels;
    private final int heads;
    private final int headSize;
    private final int dim;
    private final float scale;
    /** Per-thread scratch, grown to the longest sequence once and then reused every step. */
    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

    CausalAttentionOp(Kernels kernels, int heads, int headSize) {
        this.kernels = kernels;
        this.heads = heads;
        this.headSize = headSize;
        this.dim = heads * headSize;
        this.scale = (float) (1.0 / Math.sqrt(headSize));
    }

    /** Floats of saved probabilities a batch needs. */
    static long probabilitiesSize(int batch, int seqLen, int heads) {
        return (long) batch * heads * seqLen * seqLen;
    }

    /**
     * @param qkv   [batch * seqLen][3 dim]: q, k, v side by side, head h at columns h * headSize of each
     * @param probs [batch][heads][seqLen][seqLen], written
     * @param out   [batch * seqLen][dim], the heads' outputs side by side, written
     */
    void forward(float[] qkv, int batch, int seqLen, float[] probs, float[] out) {
        int t = seqLen;
        int stride = 3 * dim;
        Parallel.forEach(batch * heads, task -> {
            int b = task / heads;
            int col = (task % heads) * headSize;
            int row0 = b * t;
            int p = task * t * t;
            Scratch s = scratch.get();
            int pw = kernels.panelWidth();
            // q / sqrt(hs), contiguous: the score GEMM reads every query row once per key panel.
            float[] q = s.a(t * headSize);
            for (int i = 0; i < t; i++) {
                int src = (row0 + i) * stride + col;
                for (int c = 0; c < headSize; c++) {
                    q[i * headSize + c] = qkv[src + c] * scale;
                }
            }
            // att = q k^T: K^T [hs][t] as the packed operand. Query rows [r0, r1) see keys < r1 only, so the
            // panels past that are never computed.
            PackedMatrix kt = kernels.packTransposedInto(qkv, row0 * stride + dim + col, stride, t, headSize,
                    s.packed(headSize, t));
            for (int r0 = 0; r0 < t; r0 += pw) {
                int r1 = Math.min(t, r0 + pw);
                kernels.gemmTile(q, 0, headSize, r0, r1, kt, 0, (r1 + pw - 1) / pw, null, probs, p, t, Epilogue.STORE);
            }
            // Mask and softmax: query i sees keys 0..i; the rest become exact zeros.
            for (int i = 0; i < t; i++) {
                kernels.softmax(probs, p + i * t, i + 1);
                java.util.Arrays.fill(probs, p + i * t + i + 1, p + (i + 1) * t, 0f);
            }
            // y = att v, straight into this head's columns of the output; query rows [r0, r1) have zero
            // probabilities past key r1, so the product stops there.
            PackedMatrix v = kernels.packInto(qkv, row0 * stride + 2 * dim + col, stride, t, headSize,
                    s.packed(t, headSize));
            for (int r0 = 0; r0 < t; r0 += pw) {
                int r1 = Math.min(t, r0 + pw);
                kernels.gemmTile(probs, p, t, r0, r1, v, r1, 0, v.panels(), null, out, row0 * dim + col, dim,
                        Epilogue.STORE);
            }
        });
    }

    /**
     * Given dOut [batch * seqLen][dim], writes dQKV [batch * seqLen][3 dim] (every column), from the saved qkv and
     * probabilities. Per (sequence, head), with P the probabilities and S the scaled scores:
     * <pre>
     *   dP = dY V^T
     *   dS = P * (dP - rowsum(P * dP))       softmax backward; masked entries stay zero since P is zero there
     *   dQ = dS K / sqrt(hs),  dK = dS^T Q / sqrt(hs),  dV = P^T dY
     * </pre>
     */
    void backward(float[] qkv, float[] probs, float[] dOut, int batch, int seqLen, float[] dQkv) {
        int t = seqLen;
        int stride = 3 * dim;
        Parallel.forEach(batch * heads, task -> {
            int b = task / heads;
            int col = (task % heads) * headSize;
            int row0 = b * t;
            int p = task * t * t;
            Scratch s = scratch.get();
            int pw = kernels.panelWidth();
            int dyOff = row0 * dim + col;
            int qOff = row0 * stride + col;
            int kOff = qOff + dim;
            int vOff = qOff + 2 * dim;
            // dP = dY V^T, for the visible (lower-triangle) panels only, as in the forward pass.
            float[] dp = s.a(t * t);
            PackedMatrix vt = kernels.packTransposedInto(qkv, vOff, stride, t, headSize, s.packed(headSize, t));
            for (int r0 = 0; r0 < t; r0 += pw) {
                int r1 = Math.min(t, r0 + pw);
                kernels.gemmTile(dOut, dyOff, dim, r0, r1, vt, 0, (r1 + pw - 1) / pw, null, dp, 0, t, Epilogue.STORE);
            }
            // dS = P (dP - sum_j P dP) over the visible keys, zero past them; the 1/sqrt(hs) of the scores
            // folded in here once for both dQ and dK.
            for (int i = 0; i < t; i++) {
                int row = i * t;
                float dot = 0f;
                for (int j = 0; j <= i; j++) {
                    dot += probs[p + row + j] * dp[row + j];
                }
                for (int j = 0; j <= i; j++) {
                    dp[row + j] = probs[p + row + j] * (dp[row + j] - dot) * scale;
                }
                java.util.Arrays.fill(dp, row + i + 1, row + t, 0f);
            }
            // dQ = dS K, into this head's query columns; like y = att v, rows [r0, r1) stop at key r1.
            PackedMatrix k = kernels.packInto(qkv, kOff, stride, t, headSize, s.packed(t, headSize));
            for (int r0 = 0; r0 < t; r0 += pw) {
                int r1 = Math.min(t, r0 + pw);
                kernels.gemmTile(dp, 0, t, r0, r1, k, r1, 0, k.panels(), null, dQkv, qOff, stride, Epilogue.STORE);
            }
            // dK = dS^T Q, into the key columns. Key j gets gradient from queries i >= j only, the far end of
            // the row, so both operands are laid out in reverse time (query i at t - 1 - i): key rows [r0, r1)
            // then need only the first t - r0 of them.
            float[] transposed = s.b(t * t);
            kernels.transpose(dp, (t - 1) * t, -t, t, t, transposed);
            PackedMatrix q = kernels.packInto(qkv, qOff + (t - 1) * stride, -stride, t, headSize,
                    s.packed(t, headSize));
            reversedCausalProduct(transposed, t, q, dQkv, kOff, stride);
            // dV = P^T dY, into the value columns, the same way.
            kernels.transpose(probs, p + (t - 1) * t, -t, t, t, transposed);
            PackedMatrix dy = kernels.packInto(dOut, dyOff + (t - 1) * dim, -dim, t, headSize,
                    s.packed(t, headSize));
            reversedCausalProduct(transposed, t, dy, dQkv, vOff, stride);
        });
    }

    /**
     * {@code out = x w} for x [t][t] whose row j is zero from column t - j on (a transposed causal matrix in
     * reverse time), by row blocks that each stop where their rows' last non-zero column is.
     */
    private void reversedCausalProduct(float[] x, int t, PackedMatrix w, float[] out, int outOff, int outStride) {
        int pw = kernels.panelWidth();
        for (int r0 = 0; r0 < t; r0 += pw) {
            int r1 = Math.min(t, r0 + pw);
            kernels.gemmTile(x, 0, t, r0, r1, w, t - r0, 0, w.panels(), null, out, outOff, outStride, Epilogue.STORE);
        }
    }

    /** Grow-only buffers of one thread. */
    private final class Scratch {
        private float[] a = new float[0];
        private float[] b = new float[0];
        private float[] packed = new float[0];

        float[] a(int size) {
            return a.length >= size ? a : (a = new float[size]);
        }

        float[] b(int size) {
            return b.length >= size ? b : (b = new float[size]);
        }

        float[] packed(int rows, int cols) {
            int size = PackedMatrix.size(rows, cols, kernels.panelWidth());
            return packed.length >= size ? packed : (packed = new float[size]);
        }
    }
}
