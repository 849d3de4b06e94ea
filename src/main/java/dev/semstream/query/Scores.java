package dev.semstream.query;

import dev.semstream.store.Metric;

/**
 * Scores of two vectors by each metric, in double precision: for the similarity endpoint and for scans of
 * stores that have no index (standby replicas).
 */
final class Scores {
    private Scores() {
    }

    static double score(Metric metric, float[] a, float[] b) {
        return switch (metric) {
            case COSINE -> cosine(a, b);
            case EUCLIDEAN -> euclidean(a, b);
            case DOT -> dot(a, b);
        };
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    static double cosine(float[] a, float[] b) {
        double na = Math.sqrt(dot(a, a));
        double nb = Math.sqrt(dot(b, b));
        return na == 0 || nb == 0 ? 0 : dot(a, b) / (na * nb);
    }

    static double euclidean(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            double d = (double) a[i] - b[i];
            s += d * d;
        }
        return Math.sqrt(s);
    }
}
