package dev.semstream.train;

import dev.semstream.kernels.Kernels;
import dev.semstream.kernels.PackedMatrix;

/**
 * The scratch every weight-gradient GEMM {@code dW += X^T dY} of a step shares, one at a time: X^T and dY packed.
 * Sized for the largest layer at the largest batch on first use, grown (never shrunk) only when a larger batch
 * arrives, so steps at a steady shape allocate nothing (as Lucene's HNSW graph builder keeps its scratch arrays
 * across insertions instead of allocating per node).
 */
final class GradientScratch {
    private final Kernels kernels;
    private float[] transposed = new float[0];
    private float[] packed = new float[0];

    GradientScratch(Kernels kernels) {
        this.kernels = kernels;
    }

    /** At least {@code size} floats for X^T. */
    float[] transposed(int size) {
        if (transposed.length < size) {
            transposed = new float[size];
        }
        return transposed;
    }

    /** A pack buffer for a [rows][cols] right operand. */
    float[] packed(int rows, int cols) {
        int size = PackedMatrix.size(rows, cols, kernels.panelWidth());
        if (packed.length < size) {
            packed = new float[size];
        }
        return packed;
    }
}
