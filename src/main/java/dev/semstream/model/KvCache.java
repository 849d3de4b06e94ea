package dev.semstream.model;

/**
 * The keys and values a decoder has computed for the positions it has read so far, per layer, so that
 * each new token costs one position of work instead of a re-run over the whole sequence. One cache
 * belongs to one sequence (one completion) and is not thread-safe; {@link GptModel} fills it.
 *
 * <p>Layout per layer: keys and values each [capacity][dim], row p holding position p with all heads
 * side by side, the same layout as the QKV projection's K and V columns.
 */
public final class KvCache {
    private final int dim;
    private final int capacity;
    private final float[][] keys;
    private final float[][] values;
    private int length;

    /** @param capacity positions this cache can hold; at most the model's context length */
    public KvCache(GptConfig config, int capacity) {
        if (capacity < 1 || capacity > config.contextLength()) {
            throw new IllegalArgumentException("cache capacity " + capacity + " is outside [1, "
                    + config.contextLength() + "], the model's context length");
        }
        this.dim = config.dim();
        this.capacity = capacity;
        this.keys = new float[config.layers()][capacity * dim];
        this.values = new float[config.layers()][capacity * dim];
    }

    /** Positions cached: the next token the model reads goes to this position. */
    public int length() {
        return length;
    }

    public int capacity() {
        return capacity;
    }

    /** Forgets every position, keeping the memory, so the cache can serve the next sequence. */
    public void clear() {
        length = 0;
    }

    float[] keys(int layer) {
        return keys[layer];
    }

    float[] values(int layer) {
        return values[layer];
    }

    /** Copies K and V of {@code rows} new positions from a [rows][stride] matrix into positions length.. . */
    void store(int layer, float[] src, int kCol, int vCol, int stride, int rows) {
        float[] k = keys[layer];
        float[] v = values[layer];
        for (int r = 0; r < rows; r++) {
            int row = (length + r) * dim;
            System.arraycopy(src, r * stride + kCol, k, row, dim);
            System.arraycopy(src, r * stride + vCol, v, row, dim);
        }
    }

    /** Makes {@code rows} stored positions part of the cache, once every layer has stored them. */
    void advance(int rows) {
        length += rows;
    }

    /** Throws unless {@code rows} more positions fit. */
    void requireRoom(int rows) {
        if (length + rows > capacity) {
            throw new IllegalArgumentException("cannot add " + rows + " positions to a cache holding " + length
                    + " of " + capacity);
        }
    }
}
