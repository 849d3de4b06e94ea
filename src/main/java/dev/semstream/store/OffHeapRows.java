package dev.semstream.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The full-precision rows of an encoded index, outside the Java heap: slabs of
 * {@link VectorColumn#ROWS_PER_SLAB} rows, each memory-mapped from a temporary file that is deleted as soon as
 * it is mapped. The OS pages rows in when rescoring reads them (a few dozen a query) and may page them out
 * again under memory pressure, so they cost neither heap nor, when cold, resident memory; the file is gone
 * from the directory at once and its space freed when the mapping is collected.
 *
 * <p>Rows are written once, by the index's writer, and then only read: concurrent readers use absolute
 * gets, which share no position. Not thread-safe otherwise; {@link VectorIndex} guards it.
 */
final class OffHeapRows {
    private final int dimension;
    private final List<FloatBuffer> slabs = new ArrayList<>();
    private int size;

    OffHeapRows(int dimension) {
        this.dimension = dimension;
    }

    /** Appends a row; its ordinal is the number of rows before it. */
    void add(float[] vector) {
        int slab = size >>> VectorColumn.SLAB_SHIFT;
        if (slab == slabs.size()) {
            slabs.add(mapSlab());
        }
        slabs.get(slab).put(offsetOf(size), vector, 0, dimension);
        size++;
    }

    /** Copies row {@code ordinal} into {@code dst[dstOff ..]}. */
    void read(int ordinal, float[] dst, int dstOff) {
        slabs.get(ordinal >>> VectorColumn.SLAB_SHIFT).get(offsetOf(ordinal), dst, dstOff, dimension);
    }

    /** What the rows take off the heap, in bytes per row. */
    int bytesPerRow() {
        return dimension * Float.BYTES;
    }

    private int offsetOf(int ordinal) {
        return (ordinal & (VectorColumn.ROWS_PER_SLAB - 1)) * dimension;
    }

    private FloatBuffer mapSlab() {
        long bytes = (long) VectorColumn.ROWS_PER_SLAB * dimension * Float.BYTES;
        try {
            Path file = Files.createTempFile("semstream-rows-", ".f32");
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                // A sparse file: pages exist on disk (or in the page cache) only once rows are written to them.
                return channel.map(FileChannel.MapMode.READ_WRITE, 0, bytes).order(ByteOrder.nativeOrder())
                        .asFloatBuffer();
            } finally {
                Files.delete(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not map a file for full-precision vectors in "
                    + System.getProperty("java.io.tmpdir"), e);
        }
    }
}
