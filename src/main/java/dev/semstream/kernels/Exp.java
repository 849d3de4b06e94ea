package dev.semstream.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * {@code e^x} in float from adds, multiplies and fused multiply-adds only, so it is the same bits in every JIT
 * tier, in the scalar and the vector kernels and on every JDK. The vector API's {@code EXP} is not: C2 computes
 * it with a short-vector math routine and the interpreter lane by lane with {@code Math.exp}, and the two differ
 * in the last bit, which made a training run depend on when its kernels were compiled.
 *
 * <p>Cody and Waite's reduction {@code x = n ln 2 + r}, |r| <= ln 2 / 2, then Cephes' degree-5 polynomial for
 * {@code e^r} (within 2 ulp of the true value over the float range), scaled by {@code 2^n} built in the exponent
 * bits. Below {@link #UNDERFLOW} the answer is 0 (softmax's masked scores are -infinity and must weigh exactly 0);
 * above {@link #OVERFLOW} the input is clamped, so the answer is about 1.7e38 instead of infinity, which every
 * caller (softmax of scores less their maximum, GELU's {@code 1 / (1 + e^u)}) treats alike. NaN stays NaN.
 */
final class Exp {
    /** Below this e^x is smaller than the least normal float; the answer is 0. */
    static final float UNDERFLOW = -87.33654f;
    /** Inputs are clamped here: 2^127 is the largest power of two that still has an exponent. */
    static final float OVERFLOW = 88.0f;
    private static final float LOG2E = 1.44269504088896341f;
    /** ln 2 split in two, the first part with few enough bits that {@code n * LN2_HI} is exact. */
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    /** 1.5 * 2^23: adding it rounds a float of magnitude below 2^22 to an integer, ties to even. */
    private static final float ROUNDER = 12582912f;
    /**
     * The bits of ROUNDER. {@code ROUNDER + n} for a small integer n has them plus n, so n comes out of the rounded
     * sum's bits with an integer subtraction: JDK 17's vector API converts float to int lane by lane, boxed (4 ns
     * an element, most of a training step's GELU).
     */
    private static final int ROUNDER_BITS = 0x4B400000;
    private static final float P0 = 1.9875691500e-4f;
    private static final float P1 = 1.3981999507e-3f;
    private static final float P2 = 8.3334519073e-3f;
    private static final float P3 = 4.1665795894e-2f;
    private static final float P4 = 1.6666665459e-1f;
    private static final float P5 = 5.0000001201e-1f;

    private Exp() {
    }

    static float of(float x) {
        if (x < UNDERFLOW) {
            return 0f;
        }
        float c = Math.min(x, OVERFLOW);
        float t = Math.fma(c, LOG2E, ROUNDER);
        float n = t - ROUNDER;
        float r = Math.fma(n, -LN2_HI, c);
        r = Math.fma(n, -LN2_LO, r);
        float p = Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(P0, r, P1), r, P2), r, P3), r, P4), r, P5);
        float y = Math.fma(p * r, r, r) + 1f;
        return y * Float.intBitsToFloat((Float.floatToRawIntBits(t) - ROUNDER_BITS + 127) << 23);
    }

    /** {@link #of} in every lane, step for step. */
    static FloatVector of(FloatVector x) {
        VectorMask<Float> under = x.compare(VectorOperators.LT, UNDERFLOW);
        FloatVector c = x.min(OVERFLOW);
        FloatVector t = c.fma(LOG2E, ROUNDER);
        FloatVector n = t.sub(ROUNDER);
        FloatVector r = n.fma(n.broadcast(-LN2_HI), c);
        r = n.fma(n.broadcast(-LN2_LO), r);
        FloatVector p = r.fma(P0, P1).fma(r, r.broadcast(P2)).fma(r, r.broadcast(P3)).fma(r, r.broadcast(P4)).fma(r, r.broadcast(P5));
        FloatVector y = p.mul(r).fma(r, r).add(1f);
        IntVector bits = t.reinterpretAsInts().sub(ROUNDER_BITS - 127).lanewise(VectorOperators.LSHL, 23);
        return y.mul(bits.reinterpretAsFloats()).blend(0f, under);
    }
}
