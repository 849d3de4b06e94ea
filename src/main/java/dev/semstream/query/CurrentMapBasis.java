package dev.semstream.query;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The embedding map's current axes on this instance, shared by {@code GET /map}, which computes them, and
 * the live feed, which places each new vector with them so a page can add it to the map it drew.
 */
final class CurrentMapBasis {
    private final AtomicReference<MapBasis> current = new AtomicReference<>();

    Optional<MapBasis> get() {
        return Optional.ofNullable(current.get());
    }

    void set(MapBasis basis) {
        current.set(basis);
    }
}
