package dev.semstream.topology;

/**
 * When a partition's index gets its HNSW graph, and where the graph is built.
 *
 * <p>Below {@code minVectors} a partition is searched by an exact SIMD scan, which at that size costs
 * about what a graph walk does (10,000 vectors of 384 floats are 15 MB, about a millisecond to read), while
 * linking each new vector into a graph would cost the stream thread a fraction of a millisecond per text.
 * Vector databases do the same (Qdrant indexes a segment only past its indexing threshold). Once a
 * partition reaches {@code minVectors}, the graph is built from the store, and every later upsert links
 * into it.
 *
 * @param minVectors     a partition gets a graph once it holds this many vectors (0: always)
 * @param inlineBuildMax graphs over at most this many vectors are built on the stream thread at once; larger
 *                       ones in the background while exact search answers, so the stream thread never
 *                       stalls for long
 */
public record GraphBuildPolicy(int minVectors, int inlineBuildMax) {
    public GraphBuildPolicy {
        if (minVectors < 0) {
            throw new IllegalArgumentException("minVectors must be >= 0, got " + minVectors);
        }
        if (inlineBuildMax < 0) {
            throw new IllegalArgumentException("inlineBuildMax must be >= 0, got " + inlineBuildMax);
        }
    }

    /** A graph from 10,000 vectors a partition, always built in the background. */
    public static GraphBuildPolicy defaults() {
        return new GraphBuildPolicy(10_000, 2_000);
    }

    /** Whether a partition of this many vectors should have a graph. */
    boolean wantsGraph(int vectors) {
        return vectors >= minVectors;
    }

    /** Whether a graph over this many vectors is built on the calling thread rather than in the background. */
    boolean buildsInline(int vectors) {
        return vectors <= inlineBuildMax;
    }
}
