package dev.semstream.metrics;

/**
 * What the model gauges show at a scrape.
 *
 * @param active   the active model's id
 * @param building the model being built, or null when no re-embedding is in progress
 * @param done     texts re-embedded into it over the cluster
 * @param total    texts of the active model over the cluster
 */
public record ModelReading(String active, String building, long done, long total, int partitionsCaughtUp,
                           int partitions, double perSecond) {
}
