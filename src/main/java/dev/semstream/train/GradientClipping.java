package dev.semstream.train;

import java.util.List;

/**
 * Global gradient-norm clipping ({@code torch.nn.utils.clip_grad_norm_}): when the L2 norm of all gradients
 * together exceeds the limit, every gradient is scaled by the same factor, which keeps the step's direction
 * and bounds its length, so one bad batch cannot throw the weights far.
 */
public final class GradientClipping {
    private GradientClipping() {
    }

    /**
     * Scales the gradients down to {@code maxNorm} if their norm is above it ({@code maxNorm} 0: never) and
     * returns the norm before clipping. A non-finite norm is returned and nothing is scaled.
     */
    public static float clip(List<Parameter> parameters, float maxNorm) {
        double norm = norm(parameters);
        if (maxNorm > 0 && norm > maxNorm) {
            // PyTorch's guard against dividing by a norm of exactly the limit's size plus rounding.
            float scale = (float) (maxNorm / (norm + 1e-6));
            for (Parameter p : parameters) {
                float[] g = p.grad();
                for (int i = 0; i < g.length; i++) {
                    g[i] *= scale;
                }
            }
        }
        return (float) norm;
    }

    /**
     * The L2 norm of every gradient together, summed in double in one fixed order (tensor by tensor, four
     * interleaved partial sums), so the same gradients always give the same bits.
     */
    public static double norm(List<Parameter> parameters) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        for (Parameter p : parameters) {
            float[] g = p.grad();
            int i = 0;
            for (; i + 3 < g.length; i += 4) {
                s0 += (double) g[i] * g[i];
                s1 += (double) g[i + 1] * g[i + 1];
                s2 += (double) g[i + 2] * g[i + 2];
                s3 += (double) g[i + 3] * g[i + 3];
            }
            for (; i < g.length; i++) {
                s0 += (double) g[i] * g[i];
            }
        }
        return Math.sqrt((s0 + s1) + (s2 + s3));
    }
}
