package dev.semstream.store;

/**
 * Scores of two vectors by each metric, in double precision: how alike two texts are (the similarity
 * endpoint and command). Searches do not score this way: every search, of an index or of entries in none,
 * ranks by the float kernels through {@link ExactSearch} and {@link VectorIndex}.
 */
public final class Scores {
    private Scores() {
    }

    public static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    public static double cosine(float[] a, float[] b) {
        double na = Math.sqrt(dot(a, a));
        double nb = Math.sqrt(dot(b, b));
        return na == 0 || nb == 0 ? 0 : dot(a, b) / (na * nb);
    }

    public static double euclidean(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            double d = (double) a[i] - b[i];
            s += d * d;
        }
        return Math.sqrt(s);
    }
}
