package dev.semstream.store;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Stored vectors placed on a {@link PlaneProjection}, in columns (what the map's JSON sends): each
 * point's id, coordinates, text (null if not stored) and the value of one metadata key (null if absent).
 *
 * <p>Not thread-safe: one answer is filled by one thread.
 */
public final class MapPoints {
    private final List<String> ids = new ArrayList<>();
    private final List<String> texts = new ArrayList<>();
    private final List<String> colors = new ArrayList<>();
    private float[] x = new float[64];
    private float[] y = new float[64];

    public void add(String id, float px, float py, String text, String color) {
        int i = ids.size();
        if (i == x.length) {
            x = Arrays.copyOf(x, 2 * i);
            y = Arrays.copyOf(y, 2 * i);
        }
        ids.add(id);
        x[i] = px;
        y[i] = py;
        texts.add(text);
        colors.add(color);
    }

    /** Every point of {@code other}, appended. */
    public void addAll(MapPoints other) {
        for (int i = 0; i < other.size(); i++) {
            add(other.ids.get(i), other.x[i], other.y[i], other.texts.get(i), other.colors.get(i));
        }
    }

    public int size() {
        return ids.size();
    }

    public String id(int i) {
        return ids.get(i);
    }

    public float x(int i) {
        return x[i];
    }

    public float y(int i) {
        return y[i];
    }

    public String text(int i) {
        return texts.get(i);
    }

    public String color(int i) {
        return colors.get(i);
    }

    /**
     * At most {@code limit} of the points, a uniform choice that does not depend on their order: those of
     * the smallest {@link VectorSample#key sampling keys}; all of them, in their order, if there are no more.
     */
    public MapPoints atMost(int limit, long seed) {
        if (size() <= limit) {
            return this;
        }
        long[] keys = new long[size()];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = VectorSample.key(seed, ids.get(i));
        }
        long[] sorted = keys.clone();
        Arrays.sort(sorted);
        long bound = sorted[limit - 1];
        MapPoints out = new MapPoints();
        for (int i = 0; i < keys.length && out.size() < limit; i++) {
            if (keys[i] < bound) {
                out.add(ids.get(i), x[i], y[i], texts.get(i), colors.get(i));
            }
        }
        // Keys equal to the bound (a 64-bit collision) fill what is left, in order.
        for (int i = 0; i < keys.length && out.size() < limit; i++) {
            if (keys[i] == bound) {
                out.add(ids.get(i), x[i], y[i], texts.get(i), colors.get(i));
            }
        }
        return out;
    }
}
