package dev.semstream.kernels;

/**
 * The kernels of similarity search: one query against one row, against a run of contiguous rows (the exact
 * scan) and against rows scattered in memory (a graph node's neighbours). Two implementations compute the
 * same thing, {@link ScalarSearchKernels} in plain Java and {@link VectorSearchKernels} with SIMD;
 * {@link #best()} picks as {@link Kernels#best()} does.
 */
public abstract class SearchKernels {

    /** The fastest search kernels this JVM can run. */
    public static SearchKernels best() {
        return Best.KERNELS;
    }

    /**
     * A holder, so the choice is made on first use and not while this class initialises: a subclass
     * initialised first (the transformer kernels call into the search ones) would otherwise find it unset.
     */
    private static final class Best {
        static final SearchKernels KERNELS = VectorSupport.chosen() ? VectorSupport.searchKernels()
                : ScalarSearchKernels.INSTANCE;
    }

    /** The plain-Java search kernels. */
    public static SearchKernels scalar() {
        return ScalarSearchKernels.INSTANCE;
    }

    /** Short name for logs and benchmark reports, e.g. {@code vector-512} or {@code scalar}. */
    public abstract String name();

    /** {@code sum a[i] * b[i]}. */
    public abstract float dot(float[] a, int aOff, float[] b, int bOff, int n);

    /** {@code sum (a[i] - b[i])^2}: the squared Euclidean distance of two vectors. */
    public abstract float squaredDistance(float[] a, int aOff, float[] b, int bOff, int n);

    /**
     * One query against a run of stored rows: {@code out[outOff + r] = q . row r} for r in [0, count), where
     * row r is {@code rows[rowsOff + r * dim ..]}. The similarity scan: several rows share each load of
     * the query, so the scan runs at the speed memory delivers the rows.
     */
    public abstract void dotRows(float[] q, int qOff, float[] rows, int rowsOff, int count, int dim, float[] out,
                                 int outOff);

    /** As {@link #dotRows}, with the squared Euclidean distance {@code |q - row r|^2}. */
    public abstract void squaredDistanceRows(float[] q, int qOff, float[] rows, int rowsOff, int count, int dim,
                                             float[] out, int outOff);

    /**
     * One query against rows scattered over several arrays: {@code out[r] = q . rows[r][offsets[r] ..]} for r
     * in [0, count). The graph walk's kernel: a node's neighbours lie anywhere in memory, and scoring
     * several in one pass keeps several rows' loads from memory in flight at once.
     */
    public abstract void dotGathered(float[] q, int qOff, float[][] rows, int[] offsets, int count, int dim,
                                     float[] out);

    /** As {@link #dotGathered}, with the squared Euclidean distance. */
    public abstract void squaredDistanceGathered(float[] q, int qOff, float[][] rows, int[] offsets, int count,
                                                 int dim, float[] out);

    /*
     * Scans over encoded rows (a quantised index), reading 1 (int8) or 2 (bf16) bytes a dimension instead of 4.
     * Int8 rows are scored against a query quantised the same way, in integer arithmetic: widening each code to
     * a float costs more than the bandwidth it saves, while products of shorts are cheap and exact. Bf16 rows
     * are widened to floats (a shift) against a float query. The dot products come out raw, in code units; the
     * caller applies the scales. Euclidean distances of encoded rows follow from the dot product and the norms
     * (|q - r|^2 = |q|^2 - 2 q.r + |r|^2), so there is no distance kernel per encoding.
     */

    /**
     * {@code sum a[i] * b[i]} over two rows of int8 codes in [-127, 127] (a quantised query and a stored row),
     * summed in integers: exact, the same in every implementation.
     */
    public abstract int dotInt8(byte[] a, int aOff, byte[] b, int bOff, int n);

    /**
     * As {@link #dotRows}, int8 codes against consecutive rows of int8 codes; each exact integer sum is written
     * as a float, exactly so while {@code 127 * 127 * dim < 2^24} (dim <= 1,040).
     */
    public abstract void dotInt8Rows(byte[] q, int qOff, byte[] rows, int rowsOff, int count, int dim, float[] out,
                                     int outOff);

    /** As {@link #dotGathered}, int8 codes against rows of int8 codes anywhere; sums as {@link #dotInt8Rows}. */
    public abstract void dotInt8Gathered(byte[] q, int qOff, byte[][] rows, int[] offsets, int count, int dim,
                                         float[] out);

    /** {@code sum q[i] * bf16(codes[i])} over one row of {@link BFloat16} codes. */
    public abstract float dotBf16(float[] q, int qOff, short[] codes, int off, int n);

    /** As {@link #dotRows}, over consecutive rows of {@link BFloat16} codes. */
    public abstract void dotBf16Rows(float[] q, int qOff, short[] rows, int rowsOff, int count, int dim, float[] out,
                                     int outOff);

    /** As {@link #dotGathered}, over rows of {@link BFloat16} codes anywhere. */
    public abstract void dotBf16Gathered(float[] q, int qOff, short[][] rows, int[] offsets, int count, int dim,
                                         float[] out);

    /** Sum of squares, for L2 norms. */
    public float sumOfSquares(float[] x, int off, int n) {
        return dot(x, off, x, off, n);
    }
}
