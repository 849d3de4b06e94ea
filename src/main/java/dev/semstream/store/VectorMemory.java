package dev.semstream.store;

/**
 * What the stored vectors of one index cost, per stored vector (retired ones included, as they are kept):
 * for monitoring and the benchmark. Sizes are what the structures need (64-bit JVM with compressed
 * references: 16-byte array headers, 4-byte references, 8-byte alignment), not the spare room of arrays
 * that grow by doubling. Ids, metadata and texts are not counted: they cost the same in every encoding.
 *
 * @param encoding               how the rows are held
 * @param heapBytesPerVector     on the heap: the row's codes, its norms and scale, and its graph links
 * @param graphBytesPerVector    of those, the graph's links (0 without a graph)
 * @param offHeapBytesPerVector  the full-precision copy of an encoded row, memory-mapped off the heap and paged
 *                               in by rescoring; 0 for float rows
 */
public record VectorMemory(VectorEncoding encoding, double heapBytesPerVector, double graphBytesPerVector,
                           int offHeapBytesPerVector) {
    private static final int ARRAY_HEADER = 16;
    private static final int REFERENCE = 4;

    static VectorMemory of(VectorColumn column, HnswGraph graph, int maxLinks) {
        double graphBytes = column.size() == 0 || graph.size() == 0 ? 0
                : (double) graphBytes(graph, maxLinks) / graph.size();
        return new VectorMemory(column.encoding(), column.heapBytesPerRow() + graphBytes, graphBytes,
                column.offHeapBytesPerRow());
    }

    /**
     * {@link HnswGraph}'s layout: per node a level-0 run of {@code 2m + 1} ints, a level byte and a reference to
     * its upper levels, which (for a node above level 0) are an array of one {@code m + 1} int array per level.
     */
    private static long graphBytes(HnswGraph graph, int m) {
        long level0 = (2L * m + 1) * Integer.BYTES + 1 + REFERENCE;
        long upperLevel = aligned(ARRAY_HEADER + (m + 1L) * Integer.BYTES) + REFERENCE;
        long total = 0;
        for (int node = 0; node < graph.size(); node++) {
            int level = graph.levelOf(node);
            total += level0 + (level == 0 ? 0 : aligned(ARRAY_HEADER) + level * upperLevel);
        }
        return total;
    }

    private static long aligned(long bytes) {
        return (bytes + 7) & ~7L;
    }
}
