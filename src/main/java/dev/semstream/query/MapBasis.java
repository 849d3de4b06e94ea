package dev.semstream.query;

import dev.semstream.store.PlaneProjection;

import java.util.Objects;

/**
 * The axes the embedding map is drawn on, as one instance computed them.
 *
 * @param id                a name for these axes: a page draws a live point only if it came with the axes
 *                          its map was drawn on
 * @param projection        the axes themselves
 * @param storedWhenComputed how many vectors were stored when the axes were computed (to tell when the
 *                          store has changed enough to compute them again)
 * @param computedAtMillis  when, by this instance's clock
 */
record MapBasis(String id, PlaneProjection projection, long storedWhenComputed, long computedAtMillis) {
    MapBasis {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(projection, "projection");
    }
}
