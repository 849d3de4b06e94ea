package dev.semstream.kernels;

/**
 * erf(x) for GELU, which Java's Math lacks. Abramowitz and Stegun 7.1.26: a rational polynomial in
 * t = 1 / (1 + p|x|) times exp(-x^2), with absolute error below 1.5e-7 everywhere, well under float
 * resolution at the magnitudes where GELU's output matters. The constants are shared with the vector
 * kernel so scalar and SIMD GELU agree to rounding.
 */
final class Erf {
    static final float P = 0.3275911f;
    static final float A1 = 0.254829592f;
    static final float A2 = -0.284496736f;
    static final float A3 = 1.421413741f;
    static final float A4 = -1.453152027f;
    static final float A5 = 1.061405429f;
    static final float INV_SQRT2 = 0.70710678118654752f;

    private Erf() {
    }

    static float erf(float x) {
        float ax = Math.abs(x);
        float t = 1f / (1f + P * ax);
        float poly = ((((A5 * t + A4) * t + A3) * t + A2) * t + A1) * t;
        float y = 1f - poly * (float) Math.exp(-ax * ax);
        return x < 0 ? -y : y;
    }

    static float gelu(float x) {
        return 0.5f * x * (1f + erf(x * INV_SQRT2));
    }
}
