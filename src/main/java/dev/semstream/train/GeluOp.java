package dev.semstream.train;

import dev.semstream.kernels.Kernels;

/**
 * GPT-2's tanh-form GELU, {@code act = gelu_tanh(pre)}, and its backward pass {@code dpre = dact * gelu_tanh'(pre)}.
 * The MLP's first GEMM stores {@code pre} rather than fusing the activation in as inference does, because the
 * backward pass needs it.
 */
final class GeluOp {
    private GeluOp() {
    }

    static void forward(Kernels kernels, float[] pre, float[] act, int rows, int width) {
        Rows.inChunks(rows, (r0, r1) -> {
            System.arraycopy(pre, r0 * width, act, r0 * width, (r1 - r0) * width);
            kernels.geluTanh(act, r0 * width, (r1 - r0) * width);
        });
    }

    /** Turns {@code grad} from the gradient of act into that of pre, in place. */
    static void backward(Kernels kernels, float[] pre, float[] grad, int rows, int width) {
        Rows.inChunks(rows, (r0, r1) -> kernels.geluTanhBackward(pre, r0 * width, grad, r0 * width,
                (r1 - r0) * width));
    }
}
