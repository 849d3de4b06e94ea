package dev.semstream.store;

/**
 * A look at an index's insides, for monitoring and tests.
 *
 * @param size         live vectors (what {@link VectorIndex#size()} says)
 * @param retired      deleted or replaced vectors still stored until the next compaction
 * @param graphLevels  levels of the HNSW graph (0 when empty)
 * @param compactions  how many times the index rebuilt itself to drop retired vectors
 */
public record IndexStats(int size, int retired, int graphLevels, long compactions) {
}
