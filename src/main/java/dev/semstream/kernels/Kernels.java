package dev.semstream.kernels;

/**
 * The numeric kernels every transformer block is built from. Two implementations compute the same
 * thing: {@link ScalarKernels} in plain Java, and {@link VectorKernels} with {@code jdk.incubator.vector}
 * SIMD. {@link #best()} picks the vector one when the module is present (the JVM runs with
 * {@code --add-modules jdk.incubator.vector}) unless {@code -Dsemstream.simd=false}.
 *
 * <p>Matrices are row-major float arrays addressed by an offset, so a batch of packed sequences can be
 * processed in place without copies. Only {@link #gemm} and {@link #attention} spread work across cores;
 * the rest are per-row operations callers parallelise themselves.
 */
public abstract class Kernels {

    /** Packed weights one GEMM task keeps hot: most of a 1 MiB per-core L2 (tuned on Zen 4, see BENCHMARKS.md). */
    private static final long L2_BUDGET_BYTES = 768 * 1024;
    /** Rows a GEMM task takes at a time. */
    private static final int ROW_BLOCK = 128;
    /** GEMM tasks per thread at the least (see {@link #gemm}). */
    private static final int TASKS_PER_THREAD = 8;

    /** The fastest kernels this JVM can run. */
    public static Kernels best() {
        return Best.KERNELS;
    }

    /** The plain-Java kernels, for reference and for JVMs without the vector module. */
    public static Kernels scalar() {
        return ScalarKernels.INSTANCE;
    }

    /** A holder, so the choice is made on first use and never while a subclass is still initialising. */
    private static final class Best {
        static final Kernels KERNELS = VectorSupport.chosen() ? VectorSupport.kernels() : ScalarKernels.INSTANCE;
    }

    /** Short name for logs and benchmark reports, e.g. {@code vector-512} or {@code scalar}. */
    public abstract String name();

    /** Columns per packed panel this implementation's micro-kernel wants. */
    public abstract int panelWidth();

    /** Packs W [k][n] for {@link #gemm}. Done once per weight at load time. */
    public PackedMatrix pack(float[] w, int k, int n) {
        return PackedMatrix.pack(w, k, n, panelWidth());
    }

    /** Rows one packing or transposing task takes: enough to amortise a task's hand-off. */
    private static final int COPY_ROWS = 64;

    /** A buffer that {@link #packInto} can pack any [k][n] matrix with {@code k * n <= capacity} into. */
    public float[] packBuffer(int k, int n) {
        return new float[PackedMatrix.size(k, n, panelWidth())];
    }

    /**
     * Packs W [k][n], row r at {@code off + r * stride} (a negative stride packs the rows last to first), into {@code data} (a {@link #packBuffer} of at least that
     * shape), on all cores: what {@link #pack} does, without allocating, for weights that change every training
     * step and for activations a backward GEMM reads as its right-hand operand.
     */
    public PackedMatrix packInto(float[] w, int off, int stride, int k, int n, float[] data) {
        int pw = panelWidth();
        Parallel.forEach((k + COPY_ROWS - 1) / COPY_ROWS, t -> PackedMatrix.packRows(w, off, stride, t * COPY_ROWS,
                Math.min(k, (t + 1) * COPY_ROWS), n, pw, data, k));
        return new PackedMatrix(data, k, n, pw);
    }

    /**
     * Packs W^T for W [rows][cols], row r at {@code off + r * stride}, into {@code data}: the [cols][rows] operand
     * of an input gradient {@code dX = dY W^T}, or of attention's {@code Q K^T}. On all cores.
     */
    public PackedMatrix packTransposedInto(float[] w, int off, int stride, int rows, int cols, float[] data) {
        int pw = panelWidth();
        Parallel.forEach((cols + COPY_ROWS - 1) / COPY_ROWS, t -> PackedMatrix.packTransposedRows(w, off, stride,
                t * COPY_ROWS, Math.min(cols, (t + 1) * COPY_ROWS), cols, rows, pw, data));
        return new PackedMatrix(data, cols, rows, pw);
    }

    /**
     * {@code dst[c][r] = src[off + r * stride + c]}: [rows][cols] to [cols][rows], on all cores. A negative stride
     * reads the rows last to first.
     */
    public void transpose(float[] src, int off, int stride, int rows, int cols, float[] dst) {
        Parallel.forEach((cols + COPY_ROWS - 1) / COPY_ROWS, t -> {
            int c1 = Math.min(cols, (t + 1) * COPY_ROWS);
            // Eight source rows at a time, so each destination row is written in runs of eight.
            for (int r0 = 0; r0 < rows; r0 += 8) {
                int r1 = Math.min(rows, r0 + 8);
                for (int c = t * COPY_ROWS; c < c1; c++) {
                    int to = c * rows;
                    for (int r = r0; r < r1; r++) {
                        dst[to + r] = src[off + r * stride + c];
                    }
                }
            }
        });
    }

    /**
     * {@code dW += X^T dY} for X [rows][k] at xOff and dY [rows][n] at dyOff (both contiguous), dW [k][n]: the
     * weight gradient of a dense layer {@code Y = X W}. It is an ordinary {@link #gemm} on X^T [k][rows] (into
     * {@code xt}, k * rows floats) and dY packed as the right operand (into {@code packed}, a {@link #packBuffer}
     * for [rows][n]). Every element of dW is one task's sum over the rows in order, so the result is the same
     * whatever the thread count or which thread ran which task.
     */
    public void gemmTransposedA(float[] x, int xOff, float[] dy, int dyOff, int rows, int k, int n, float[] dw,
                                float[] xt, float[] packed) {
        if (rows == 0) {
            return;
        }
        transpose(x, xOff, k, rows, k, xt);
        PackedMatrix dyPacked = packInto(dy, dyOff, n, rows, n, packed);
        gemm(xt, 0, k, dyPacked, null, dw, 0, Epilogue.ACCUMULATE);
    }

    /**
     * {@code out[r] (op)= x[r] W + bias} for {@code rows} rows: x is [rows][w.k] at xOff, out is
     * [rows][w.n] at outOff. Runs on all cores. {@code bias} may be null.
     */
    public void gemm(float[] x, int xOff, int rows, PackedMatrix w, float[] bias, float[] out, int outOff,
                     Epilogue epilogue) {
        if (rows == 0) {
            return;
        }
        int panels = w.panels();
        // A task is a block of rows times a group of panels. A panel group fits the L2 cache, so the rows of
        // a block stream past weights that stay there. And every thread gets several tasks: a loop ends when
        // the last task does, so with tasks claimed one at a time a thread waits at most one task at the end,
        // and small equal tasks keep that wait short (with 4 tasks a thread, the GEMMs of 32 short texts
        // came out as 9 tasks for 2 threads, one of them waiting a whole task at the end of each).
        int rowBlocks = (rows + ROW_BLOCK - 1) / ROW_BLOCK;
        long panelBytes = (long) w.k() * w.panelWidth() * Float.BYTES;
        int groupsForL2 = (int) ((panels * panelBytes + L2_BUDGET_BYTES - 1) / L2_BUDGET_BYTES);
        int groupsForThreads = (Parallel.threads() * TASKS_PER_THREAD + rowBlocks - 1) / rowBlocks;
        int wantGroups = Math.min(panels, Math.max(groupsForL2, groupsForThreads));
        int perGroup = (panels + wantGroups - 1) / wantGroups;
        int groups = (panels + perGroup - 1) / perGroup;
        Parallel.forEach(rowBlocks * groups, task -> {
            int g = task / rowBlocks;
            int rb = task % rowBlocks;
            int r0 = rb * ROW_BLOCK;
            int r1 = Math.min(rows, r0 + ROW_BLOCK);
            int p0 = g * perGroup;
            int p1 = Math.min(panels, p0 + perGroup);
            gemmTile(x, xOff, w.k(), r0, r1, w, p0, p1, bias, out, outOff, w.n(), epilogue);
        });
    }

    /**
     * The single-threaded GEMM over rows [r0, r1) and panels [p0, p1): row r of x starts at
     * {@code xOff + r * xStride}, row r of out at {@code outOff + r * outStride}, so either can be a block of
     * columns in a wider matrix (attention reads one head's queries out of the fused QKV rows in place).
     */
    public void gemmTile(float[] x, int xOff, int xStride, int r0, int r1, PackedMatrix w, int p0, int p1,
                         float[] bias, float[] out, int outOff, int outStride, Epilogue epilogue) {
        gemmTile(x, xOff, xStride, r0, r1, w, w.k(), p0, p1, bias, out, outOff, outStride, epilogue);
    }

    /**
     * {@link #gemmTile} over only the first {@code depth} of W's k rows, as if x's later columns were zero: a causal
     * product (attention probabilities times values) whose rows [r0, r1) are zero past column r1 skips that part.
     */
    public abstract void gemmTile(float[] x, int xOff, int xStride, int r0, int r1, PackedMatrix w, int depth, int p0,
                                  int p1, float[] bias, float[] out, int outOff, int outStride, Epilogue epilogue);

    /** {@code sum a[i] * b[i]}. */
    public abstract float dot(float[] a, int aOff, float[] b, int bOff, int n);

    /** {@code y[i] += alpha * x[i]}. */
    public abstract void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n);

    /** {@code y[i] += x[i]}. */
    public abstract void add(float[] x, int xOff, float[] y, int yOff, int n);

    /** {@code x[i] *= alpha}. */
    public abstract void scale(float[] x, int off, int n, float alpha);

    /** In-place layer norm of one row: {@code (x - mean) / sqrt(var + eps) * gamma + beta}. */
    public abstract void layerNorm(float[] x, int off, float[] gamma, float[] beta, float eps);

    /**
     * In-place softmax of one row, stable (the row maximum is subtracted first). Returns the row's log-sum-exp,
     * {@code log sum_i exp(x[i])}, so a cross-entropy loss {@code lse - x[target]} needs no second pass.
     */
    public abstract float softmax(float[] x, int off, int n);

    /** In-place GELU, exact (erf) form: {@code 0.5 x (1 + erf(x / sqrt 2))}. */
    public abstract void gelu(float[] x, int off, int n);

    /**
     * In-place GELU, tanh form (GPT-2's {@code gelu_new}): {@code 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715
     * x^3)))}. Computed as the equal {@code x / (1 + exp(-2u))}, which needs only an exponential.
     */
    public abstract void geluTanh(float[] x, int off, int n);

    /**
     * The backward pass of {@link #geluTanh}: {@code grad[i] *= gelu_tanh'(pre[i])}, turning the gradient of the
     * activation into that of its input {@code pre}.
     */
    public abstract void geluTanhBackward(float[] pre, int preOff, float[] grad, int gradOff, int n);

    /**
     * Attention scores of one query against keys stored transposed: {@code scores[j] = sum_d q[d] *
     * kt[d * ktStride + j]} for j in [0, n). Keys are transposed per head so that this is a run of
     * vector multiply-adds over j instead of n short dot products, each ending in a horizontal sum.
     */
    public abstract void scoreKeys(float[] q, int qOff, int headSize, float[] kt, int ktStride, float[] scores, int n);

    /**
     * The attention output of one query: {@code out[d] = sum_j p[j] * v[vOff + j * vStride + d]} for d in
     * [0, headSize), j in [0, n).
     */
    public abstract void mixValues(float[] p, int n, float[] v, int vOff, int vStride, float[] out, int outOff,
                                   int headSize);

    /** Sum of squares, for L2 normalisation. */
    public float sumOfSquares(float[] x, int off, int n) {
        return dot(x, off, x, off, n);
    }
}
