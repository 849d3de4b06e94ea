package dev.semstream.model;

/**
 * Copies the rows of one text's attention into a full [layer][head][query][key] array, leaving the keys a
 * query cannot see at 0. Each row has its own slot, so heads reporting concurrently never share one.
 */
final class AttentionCollector implements AttentionObserver {
    private final float[][][][] weights;

    AttentionCollector(int layers, int heads, int tokens) {
        this.weights = new float[layers][heads][tokens][tokens];
    }

    @Override
    public void weights(int layer, int sequence, int head, int query, float[] probabilities, int offset, int keys) {
        System.arraycopy(probabilities, offset, weights[layer][head][query], 0, keys);
    }

    AttentionMap map(int[] ids, boolean truncated, boolean causal) {
        return new AttentionMap(ids.clone(), truncated, causal, weights);
    }
}
