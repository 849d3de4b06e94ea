package dev.semstream.train;

import dev.semstream.kernels.Epilogue;
import dev.semstream.kernels.Kernels;
import dev.semstream.kernels.PackedMatrix;

/**
 * A dense layer {@code Y = X W + b} (W [in][out], GPT-2's Conv1D layout) that learns. Its weights change every
 * step, so {@link #pack} re-lays them out for the GEMM once per step, in both orientations: W for the forward
 * pass and W^T for the input gradient. Packing reads each weight once, next to a GEMM that reads it rows times.
 * The packed buffers are allocated with the layer and reused.
 */
final class DenseOp {
    private final Kernels kernels;
    private final float[] weight;
    private final float[] bias;
    private final float[] weightGrad;
    private final float[] biasGrad;
    private final int in;
    private final int out;
    private final float[] packedData;
    private final float[] packedTransposedData;
    private PackedMatrix packed;
    private PackedMatrix packedTransposed;

    DenseOp(Kernels kernels, float[] weight, float[] bias, float[] weightGrad, float[] biasGrad, int in, int out) {
        this.kernels = kernels;
        this.weight = weight;
        this.bias = bias;
        this.weightGrad = weightGrad;
        this.biasGrad = biasGrad;
        this.in = in;
        this.out = out;
        this.packedData = kernels.packBuffer(in, out);
        this.packedTransposedData = kernels.packBuffer(out, in);
    }

    int in() {
        return in;
    }

    int out() {
        return out;
    }

    /** Packs the current weights; {@code transposedToo} for a step with a backward pass. */
    void pack(boolean transposedToo) {
        packed = kernels.packInto(weight, 0, out, in, out, packedData);
        if (transposedToo) {
            packedTransposed = kernels.packTransposedInto(weight, 0, out, in, out, packedTransposedData);
        }
    }

    /** {@code y (op)= x W + b} for rows rows: STORE, or ACCUMULATE onto a residual stream already in y. */
    void forward(float[] x, int rows, float[] y, Epilogue epilogue) {
        kernels.gemm(x, 0, rows, packed, bias, y, 0, epilogue);
    }

    /**
     * Given dY, the gradient of the output: writes {@code dX = dY W^T}, adds {@code dW += X^T dY} and {@code db += sum over rows of dY}.
     */
    void backward(float[] x, float[] dy, int rows, float[] dx, GradientScratch scratch) {
        // dX = dY W^T: how the loss changes with each input, through every output it feeds.
        kernels.gemm(dy, 0, rows, packedTransposed, null, dx, 0, Epilogue.STORE);
        // dW += X^T dY: each weight w[i][o] scaled x[., i] into y[., o], summed over rows.
        kernels.gemmTransposedA(x, 0, dy, 0, rows, in, out, weightGrad, scratch.transposed(in * rows),
                scratch.packed(rows, out));
        // db += column sums of dY: the bias was added to every row.
        Rows.addColumnSums(dy, rows, out, biasGrad);
    }
}
