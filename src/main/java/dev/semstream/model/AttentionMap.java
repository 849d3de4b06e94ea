package dev.semstream.model;

/**
 * The attention weights of one text through a whole model, as the engine computed them.
 *
 * @param ids       the token ids read, in order (for the encoder with its special tokens)
 * @param truncated whether the text had more tokens than were read
 * @param causal    whether a position saw only itself and earlier ones (a decoder); entries above the
 *                  diagonal are then 0
 * @param weights   [layer][head][query][key]; every row sums to 1
 */
public record AttentionMap(int[] ids, boolean truncated, boolean causal, float[][][][] weights) {
    public int layers() {
        return weights.length;
    }

    public int heads() {
        return weights.length == 0 ? 0 : weights[0].length;
    }
}
