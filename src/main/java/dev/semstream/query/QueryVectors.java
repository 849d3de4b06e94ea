package dev.semstream.query;

import dev.semstream.store.Metric;

/**
 * A query vector made safe for the store's float kernels. The kernels square and sum in float, so a
 * finite vector such as {@code [1e20] x 384} overflows there: its cosine norm becomes infinity and every
 * score 0, its distances infinity. Cosine does not depend on the query's length, so the query is scaled
 * to unit length (in double) and scores exactly as asked; distance and dot product do, so a vector whose
 * squared length float cannot hold with room to spare is refused with a 400 rather than answered with
 * scores that are not numbers.
 */
final class QueryVectors {
    /**
     * Largest squared length of a Euclidean or dot query: a quarter of float's range, so that a squared
     * distance to a stored vector no longer than the query stays finite ({@code |q - v|^2 <= 2|q|^2 + 2|v|^2}).
     */
    static final double MAX_SQUARED_LENGTH = Float.MAX_VALUE / 4.0;

    private QueryVectors() {
    }

    /** The vector to search with: {@code query} itself, or a unit-length copy for cosine. */
    static float[] prepare(Metric metric, float[] query) {
        double squared = 0;
        for (float x : query) {
            if (!Float.isFinite(x)) {
                return query; // the store refuses non-finite values with its own message
            }
            squared += (double) x * x;
        }
        if (metric == Metric.COSINE) {
            if (squared == 0 || squared == 1) {
                return query; // the store refuses the zero vector; a unit vector needs nothing
            }
            double length = Math.sqrt(squared);
            float[] unit = new float[query.length];
            for (int i = 0; i < unit.length; i++) {
                unit[i] = (float) (query[i] / length);
            }
            return unit;
        }
        if (squared > MAX_SQUARED_LENGTH) {
            throw ApiException.badRequest("the query vector is too long for " + metric.userName()
                    + " scores: its squared length is " + (float) squared + ", at most " + (float) MAX_SQUARED_LENGTH
                    + " keeps every score a finite number; scale it down (cosine takes any length)");
        }
        return query;
    }
}
