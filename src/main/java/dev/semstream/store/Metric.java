package dev.semstream.store;

/**
 * How a query is compared with stored vectors, and what the score of a hit means.
 *
 * <p>For L2-normalised vectors (what the encoder produces) all three rank alike; they differ once vectors
 * have other lengths: cosine ignores length, the dot product rewards it, Euclidean distance punishes any
 * difference.
 */
public enum Metric {
    /** Cosine similarity, in [-1, 1]; higher is better. Uses the stored norms, so any vector length works. */
    COSINE,
    /** Euclidean distance, >= 0; lower is better. */
    EUCLIDEAN,
    /** Dot product; higher is better. */
    DOT;

    /** Reads a user's metric name ({@code cosine}, {@code euclidean}, {@code dot}; any case). */
    public static Metric parse(String name) {
        Metric found = UserNames.find(values(), name);
        if (found == null) {
            throw new InvalidRequestException("unknown metric '" + name + "'; expected one of "
                    + UserNames.list(values()));
        }
        return found;
    }

    /** The name users write, e.g. {@code cosine}. */
    public String userName() {
        return UserNames.of(this);
    }

    /** Whether a higher score is a better hit (false only for Euclidean distance). */
    public boolean higherIsBetter() {
        return this != EUCLIDEAN;
    }
}
