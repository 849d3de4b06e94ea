package dev.semstream.store;

import dev.semstream.kernels.BFloat16;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Every stored vector in the index's {@link VectorEncoding}, row-major in slabs of {@link #ROWS_PER_SLAB}
 * rows, addressed by ordinal (the order of insertion), with each row's L2 norm beside it for cosine.
 *
 * <p>Float rows are the vectors themselves. Encoded rows (bf16, int8 with a scale per row) are what searches
 * scan; each also keeps the norm of its decoded row, so cosine and Euclidean scores of the codes are those of
 * the decoded vector, and the full-precision row goes off the heap ({@link OffHeapRows}) for rescoring and for
 * reading a vector back.
 *
 * <p>Slabs rather than one array: a million 384-d float rows are 1.5 GB, and growing one array would copy it
 * all and briefly need twice the memory. Only the first slab grows (by doubling), so a small index stays
 * small. Rows are never moved or changed once added: a changed vector gets a new ordinal.
 *
 * <p>Not thread-safe; {@link VectorIndex} guards it.
 */
final class VectorColumn {
    /** 16384 rows: 24 MiB of 384-d floats, enough per slab for a parallel scan's task. */
    static final int SLAB_SHIFT = 14;
    static final int ROWS_PER_SLAB = 1 << SLAB_SHIFT;
    private static final int FIRST_SLAB_ROWS = 64;
    /** The largest int8 code; -127 is the smallest, so the codes are symmetric about 0. */
    private static final int INT8_MAX = 127;

    private final int dimension;
    private final VectorEncoding encoding;
    private final List<float[]> floatSlabs = new ArrayList<>();
    private final List<short[]> bf16Slabs = new ArrayList<>();
    private final List<byte[]> int8Slabs = new ArrayList<>();
    private float[] norms = new float[FIRST_SLAB_ROWS];
    /** Encoded rows: the norm of each decoded row. */
    private float[] codeNorms;
    /** Int8 rows: what one code unit of each row is worth. */
    private float[] scales;
    /** Encoded rows: the vectors at full precision; null for float rows. */
    private final OffHeapRows full;
    private int size;

    /** A column of float rows. */
    VectorColumn(int dimension) {
        this(dimension, VectorEncoding.FLOAT);
    }

    VectorColumn(int dimension, VectorEncoding encoding) {
        this.dimension = dimension;
        this.encoding = encoding;
        boolean encoded = encoding != VectorEncoding.FLOAT;
        this.codeNorms = encoded ? new float[FIRST_SLAB_ROWS] : null;
        this.scales = encoding == VectorEncoding.INT8 ? new float[FIRST_SLAB_ROWS] : null;
        this.full = encoded ? new OffHeapRows(dimension) : null;
    }

    int dimension() {
        return dimension;
    }

    VectorEncoding encoding() {
        return encoding;
    }

    /** Rows stored, deleted ones included. */
    int size() {
        return size;
    }

    /** Appends a row and returns its ordinal. */
    int add(float[] vector, float norm) {
        assert vector.length == dimension : "row of " + vector.length + " floats in a column of " + dimension;
        int ordinal = size;
        int off = offsetOf(ordinal);
        if (ordinal == norms.length) {
            norms = Arrays.copyOf(norms, 2 * norms.length);
            codeNorms = codeNorms == null ? null : Arrays.copyOf(codeNorms, norms.length);
            scales = scales == null ? null : Arrays.copyOf(scales, norms.length);
        }
        norms[ordinal] = norm;
        switch (encoding) {
            case FLOAT -> System.arraycopy(vector, 0, slabFor(floatSlabs, ordinal, float[]::new), off, dimension);
            case BF16 -> {
                short[] slab = slabFor(bf16Slabs, ordinal, short[]::new);
                double squares = 0;
                for (int i = 0; i < dimension; i++) {
                    slab[off + i] = BFloat16.of(vector[i]);
                    double decoded = BFloat16.toFloat(slab[off + i]);
                    squares += decoded * decoded;
                }
                codeNorms[ordinal] = (float) Math.sqrt(squares);
            }
            case INT8 -> {
                byte[] slab = slabFor(int8Slabs, ordinal, byte[]::new);
                float scale = quantise(vector, slab, off);
                long squares = 0;
                for (int i = 0; i < dimension; i++) {
                    squares += slab[off + i] * slab[off + i];
                }
                scales[ordinal] = scale;
                codeNorms[ordinal] = (float) (scale * Math.sqrt(squares));
            }
        }
        if (full != null) {
            full.add(vector);
        }
        size++;
        return ordinal;
    }

    /**
     * Encodes {@code vector} as int8 codes into {@code dst[dstOff ..]}: its largest magnitude maps to 127, every
     * component to the nearest code, and the codes stay in [-127, 127] (symmetric, and what the int8 kernels
     * require). Returns the scale, what one code is worth; 0 for the zero vector, whose codes are all 0. Rows
     * and queries are encoded alike, so their products are scored in one integer kernel.
     */
    static float quantise(float[] vector, byte[] dst, int dstOff) {
        float largest = 0f;
        for (float x : vector) {
            largest = Math.max(largest, Math.abs(x));
        }
        float scale = largest / INT8_MAX;
        for (int i = 0; i < vector.length; i++) {
            int code = scale == 0f ? 0 : Math.max(-INT8_MAX, Math.min(INT8_MAX, Math.round(vector[i] / scale)));
            dst[dstOff + i] = (byte) code;
        }
        return scale;
    }

    /** The slab of {@code slabs} an ordinal's row goes to, added or grown to hold it. */
    private <A> A slabFor(List<A> slabs, int ordinal, IntFunction<A> make) {
        int slab = ordinal >>> SLAB_SHIFT;
        int row = ordinal & (ROWS_PER_SLAB - 1);
        if (slab == slabs.size()) {
            slabs.add(make.apply((slab == 0 ? FIRST_SLAB_ROWS : ROWS_PER_SLAB) * dimension));
        } else {
            A old = slabs.get(slab);
            int length = Array.getLength(old);
            if ((row + 1) * dimension > length) {
                A grown = make.apply(Math.min(ROWS_PER_SLAB, 2 * (row + 1)) * dimension);
                System.arraycopy(old, 0, grown, 0, length);
                slabs.set(slab, grown);
            }
        }
        return slabs.get(slab);
    }

    /** Forgets every row and keeps the memory, for a float column that is filled and scored over and over. */
    void clear() {
        assert full == null : "an encoded column's off-heap rows cannot be cleared";
        size = 0;
    }

    /** The slab holding an ordinal's float row (float columns only). */
    float[] slabOf(int ordinal) {
        return floatSlabs.get(ordinal >>> SLAB_SHIFT);
    }

    /** The slab holding an ordinal's bf16 codes (bf16 columns only). */
    short[] bf16SlabOf(int ordinal) {
        return bf16Slabs.get(ordinal >>> SLAB_SHIFT);
    }

    /** The slab holding an ordinal's int8 codes (int8 columns only). */
    byte[] int8SlabOf(int ordinal) {
        return int8Slabs.get(ordinal >>> SLAB_SHIFT);
    }

    /** Where an ordinal's row starts in its slab, whatever the encoding. */
    int offsetOf(int ordinal) {
        return (ordinal & (ROWS_PER_SLAB - 1)) * dimension;
    }

    /** The norm of the vector as it was added. */
    float norm(int ordinal) {
        return norms[ordinal];
    }

    /** The norm of the row searches score: the vector's for float rows, the decoded codes' otherwise. */
    float codeNorm(int ordinal) {
        return codeNorms == null ? norms[ordinal] : codeNorms[ordinal];
    }

    /** What one int8 code of the row is worth; 1 for bf16 rows, whose codes are their values. */
    float scale(int ordinal) {
        return scales == null ? 1f : scales[ordinal];
    }

    /** The row as the searches see it, decoded to floats, into {@code dst[0..dimension)}. */
    void decode(int ordinal, float[] dst) {
        int off = offsetOf(ordinal);
        switch (encoding) {
            case FLOAT -> System.arraycopy(slabOf(ordinal), off, dst, 0, dimension);
            case BF16 -> {
                short[] slab = bf16SlabOf(ordinal);
                for (int i = 0; i < dimension; i++) {
                    dst[i] = BFloat16.toFloat(slab[off + i]);
                }
            }
            case INT8 -> {
                byte[] slab = int8SlabOf(ordinal);
                float scale = scales[ordinal];
                for (int i = 0; i < dimension; i++) {
                    dst[i] = slab[off + i] * scale;
                }
            }
        }
    }

    /** The vector at full precision, as it was added, into {@code dst[dstOff ..]}. */
    void readFull(int ordinal, float[] dst, int dstOff) {
        if (full == null) {
            System.arraycopy(slabOf(ordinal), offsetOf(ordinal), dst, dstOff, dimension);
        } else {
            full.read(ordinal, dst, dstOff);
        }
    }

    float[] copyOf(int ordinal) {
        float[] copy = new float[dimension];
        readFull(ordinal, copy, 0);
        return copy;
    }

    /** Heap bytes each row takes: its codes, norms and scale (not the slack of a growing first slab). */
    int heapBytesPerRow() {
        int perRowFloats = 1 + (codeNorms == null ? 0 : 1) + (scales == null ? 0 : 1);
        return dimension * encoding.bytesPerDimension() + perRowFloats * Float.BYTES;
    }

    /** Bytes each row's full-precision copy takes off the heap; 0 for float rows, which are their own. */
    int offHeapBytesPerRow() {
        return full == null ? 0 : full.bytesPerRow();
    }
}
