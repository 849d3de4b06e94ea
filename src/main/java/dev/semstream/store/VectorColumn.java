package dev.semstream.store;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Every stored vector, row-major in float slabs of {@link #ROWS_PER_SLAB} rows, addressed by ordinal
 * (the order of insertion), with each row's L2 norm beside it for cosine.
 *
 * <p>Slabs rather than one array: a million 384-d rows are 1.5 GB, and growing one array would copy it
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

    private final int dimension;
    private final List<float[]> slabs = new ArrayList<>();
    private float[] norms = new float[FIRST_SLAB_ROWS];
    private int size;

    VectorColumn(int dimension) {
        this.dimension = dimension;
    }

    int dimension() {
        return dimension;
    }

    /** Rows stored, deleted ones included. */
    int size() {
        return size;
    }

    /** Appends a row and returns its ordinal. */
    int add(float[] vector, float norm) {
        assert vector.length == dimension : "row of " + vector.length + " floats in a column of " + dimension;
        int ordinal = size;
        int slab = ordinal >>> SLAB_SHIFT;
        int row = ordinal & (ROWS_PER_SLAB - 1);
        if (slab == slabs.size()) {
            slabs.add(new float[(slab == 0 ? FIRST_SLAB_ROWS : ROWS_PER_SLAB) * dimension]);
        } else if ((row + 1) * dimension > slabs.get(slab).length) {
            slabs.set(slab, Arrays.copyOf(slabs.get(slab), Math.min(ROWS_PER_SLAB, 2 * (row + 1)) * dimension));
        }
        System.arraycopy(vector, 0, slabs.get(slab), row * dimension, dimension);
        if (ordinal == norms.length) {
            norms = Arrays.copyOf(norms, 2 * norms.length);
        }
        norms[ordinal] = norm;
        size++;
        return ordinal;
    }

    /** Forgets every row and keeps the memory, for a column that is filled and scored over and over. */
    void clear() {
        size = 0;
    }

    /** The slab holding an ordinal's row. */
    float[] slabOf(int ordinal) {
        return slabs.get(ordinal >>> SLAB_SHIFT);
    }

    /** Where an ordinal's row starts in its slab. */
    int offsetOf(int ordinal) {
        return (ordinal & (ROWS_PER_SLAB - 1)) * dimension;
    }

    float norm(int ordinal) {
        return norms[ordinal];
    }

    float[] copyOf(int ordinal) {
        int off = offsetOf(ordinal);
        return Arrays.copyOfRange(slabOf(ordinal), off, off + dimension);
    }
}
