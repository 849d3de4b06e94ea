package dev.semstream.train;

import dev.semstream.model.GptConfig;

/**
 * Everything a forward pass saves for its backward pass, and the backward pass's gradient buffers: sized once
 * for the largest batch x seqLen seen, and reused by every later step of that size or smaller (the step loop
 * allocates nothing). Per layer: the residual stream entering it and after its attention, both layer norms'
 * outputs with their normalised rows and 1/std, the fused QKV rows, the attention probabilities, the heads'
 * outputs, and the MLP's hidden layer before and after GELU.
 */
final class Activations {
    final int rowCapacity;
    final long probabilityCapacity;
    final float[][] residual;
    final float[][] middle;
    final float[][] norm1;
    final float[][] xhat1;
    final float[][] rstd1;
    final float[][] qkv;
    final float[][] probabilities;
    final float[][] context;
    final float[][] norm2;
    final float[][] xhat2;
    final float[][] rstd2;
    final float[][] hiddenPre;
    final float[][] hidden;
    final float[] finalNorm;
    final float[] finalXhat;
    final float[] finalRstd;
    final float[] rowLoss;
    /** Gradient of the residual stream, carried down through the layers. */
    final float[] residualGrad;
    /** Gradient of a [rows][dim] activation: a norm's output, or the heads' output. */
    final float[] narrowGrad;
    /** Gradient of the MLP's hidden layer, after GELU and then (in place) before it. */
    final float[] hiddenGrad;
    final float[] qkvGrad;

    Activations(GptConfig c, int rows, long probabilities) {
        if (probabilities > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("attention probabilities of " + probabilities + " floats do not fit "
                    + "an array; use a smaller batch");
        }
        int d = c.dim();
        int l = c.layers();
        this.rowCapacity = rows;
        this.probabilityCapacity = probabilities;
        residual = new float[l + 1][rows * d];
        middle = new float[l][rows * d];
        norm1 = new float[l][rows * d];
        xhat1 = new float[l][rows * d];
        rstd1 = new float[l][rows];
        qkv = new float[l][rows * 3 * d];
        this.probabilities = new float[l][(int) probabilities];
        context = new float[l][rows * d];
        norm2 = new float[l][rows * d];
        xhat2 = new float[l][rows * d];
        rstd2 = new float[l][rows];
        hiddenPre = new float[l][rows * c.mlpDim()];
        hidden = new float[l][rows * c.mlpDim()];
        finalNorm = new float[rows * d];
        finalXhat = new float[rows * d];
        finalRstd = new float[rows];
        rowLoss = new float[rows];
        residualGrad = new float[rows * d];
        narrowGrad = new float[rows * d];
        hiddenGrad = new float[rows * c.mlpDim()];
        qkvGrad = new float[rows * 3 * d];
    }

    boolean fits(int rows, long probabilities) {
        return rows <= rowCapacity && probabilities <= probabilityCapacity;
    }
}
