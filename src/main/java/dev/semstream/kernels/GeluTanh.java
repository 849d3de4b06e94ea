package dev.semstream.kernels;

/**
 * GELU in its tanh form, GPT-2's activation: {@code 0.5 x (1 + tanh(u))}, {@code u = sqrt(2/pi) (x + 0.044715 x^3)}.
 * Since {@code 0.5 (1 + tanh(u)) = 1 / (1 + exp(-2u))}, it is computed as {@code x / (1 + exp(-2u))}: one
 * exponential, which the vector API has fast, and no tanh. At large |x| the exponential goes to 0 or
 * infinity and the result to x or -0, as it should. The constants are shared with the vector kernel.
 */
final class GeluTanh {
    /** sqrt(2 / pi) */
    static final float C0 = 0.7978845608028654f;
    static final float C1 = 0.044715f;
    static final float MINUS_TWO_C0 = -2f * C0;

    private GeluTanh() {
    }

    static float of(float x) {
        float u = (x * x * C1 + 1f) * x * MINUS_TWO_C0;
        return x / ((float) Math.exp(u) + 1f);
    }

    /**
     * {@code d/dx gelu_tanh(x)}. With {@code s = 1 / (1 + exp(-2 C0 (x + C1 x^3)))}, a logistic sigmoid, gelu is
     * {@code x s}, and {@code s' = s (1 - s) 2 C0 (1 + 3 C1 x^2)}, so the derivative is {@code s + x s'}.
     */
    static float derivative(float x) {
        float x2 = x * x;
        float u = (x2 * C1 + 1f) * x * MINUS_TWO_C0;
        float s = 1f / ((float) Math.exp(u) + 1f);
        float slope = (x2 * (3f * C1) + 1f) * -MINUS_TWO_C0;
        return x * s * (1f - s) * slope + s;
    }
}
