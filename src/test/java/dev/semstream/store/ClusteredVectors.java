package dev.semstream.store;

import java.util.Random;

/**
 * Synthetic embeddings shaped like real ones: unit vectors scattered around a number of gaussian cluster
 * centres (topics), so neighbours are meaningful and a graph has structure to find, unlike uniform noise.
 * Deterministic for a seed. Used by the tests and by the benchmark.
 */
public final class ClusteredVectors {
    private final int dimension;
    private final float[][] centres;
    private final double spread;
    private final Random random;

    /**
     * @param spread the length of a point's offset from its centre, relative to the centre's unit length
     */
    public ClusteredVectors(int dimension, int clusters, double spread, long seed) {
        this.dimension = dimension;
        this.spread = spread;
        this.random = new Random(seed);
        this.centres = new float[clusters][];
        for (int c = 0; c < clusters; c++) {
            float[] centre = new float[dimension];
            for (int i = 0; i < dimension; i++) {
                centre[i] = (float) random.nextGaussian();
            }
            centres[c] = normalise(centre);
        }
    }

    /** The next point of a random cluster, L2-normalised. */
    public float[] next() {
        float[] centre = centres[random.nextInt(centres.length)];
        float[] v = new float[dimension];
        double sigma = spread / Math.sqrt(dimension);
        for (int i = 0; i < dimension; i++) {
            v[i] = (float) (centre[i] + sigma * random.nextGaussian());
        }
        return normalise(v);
    }

    /** {@code n} points. */
    public float[][] next(int n) {
        float[][] out = new float[n][];
        for (int i = 0; i < n; i++) {
            out[i] = next();
        }
        return out;
    }

    static float[] normalise(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        float inv = (float) (1 / Math.sqrt(s));
        for (int i = 0; i < v.length; i++) {
            v[i] *= inv;
        }
        return v;
    }
}
