package dev.semstream.query;

import dev.semstream.store.MapPoints;
import dev.semstream.store.PlaneProjection;
import dev.semstream.store.QueryableIndexes;
import dev.semstream.store.VectorIndex;
import dev.semstream.store.VectorSample;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * This instance's part of the embedding map: the partitions it answers from an index (active and
 * restored, as a search's), sampled for the axes or placed on them. The indexes are those of the model the
 * asking instance names, not this one's active model: during a switch two instances may briefly differ.
 */
final class LocalMap {
    private final String instance;
    private final QueryableIndexes indexes;

    LocalMap(String instance, QueryableIndexes indexes) {
        this.instance = instance;
        this.indexes = indexes;
    }

    MapShares.SampleShare sample(String modelId, int dimension, int capacity, long seed) {
        VectorSample sample = new VectorSample(modelId, dimension, capacity, seed);
        SortedMap<Integer, Long> stored = new TreeMap<>();
        for (Map.Entry<Integer, VectorIndex> e : indexes.snapshot(modelId).entrySet()) {
            long before = sample.offered();
            e.getValue().sample(sample);
            stored.put(e.getKey(), sample.offered() - before);
        }
        return new MapShares.SampleShare(instance, stored, sample);
    }

    /** @param limit most points per partition: those of the smallest sampling keys */
    MapShares.PointsShare points(PlaneProjection plane, String colorKey, int limit, long seed) {
        SortedMap<Integer, Long> stored = new TreeMap<>();
        SortedMap<Integer, MapPoints> points = new TreeMap<>();
        for (Map.Entry<Integer, VectorIndex> e : indexes.snapshot(plane.modelId()).entrySet()) {
            MapPoints p = new MapPoints();
            e.getValue().project(plane, colorKey, p);
            stored.put(e.getKey(), (long) p.size());
            points.put(e.getKey(), p.atMost(limit, seed));
        }
        return new MapShares.PointsShare(instance, stored, points);
    }
}
