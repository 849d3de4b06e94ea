package dev.semstream.kernels;

/**
 * bfloat16: the upper half of a float (sign, the full 8-bit exponent, 7 bits of mantissa), so any float
 * converts without overflow and back by a shift. Stored as Java shorts.
 */
public final class BFloat16 {
    private BFloat16() {
    }

    /** The nearest bfloat16, ties to even (NaN stays a NaN). */
    public static short of(float value) {
        int bits = Float.floatToRawIntBits(value);
        if (Float.isNaN(value)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        int roundingBias = 0x7FFF + ((bits >>> 16) & 1);
        return (short) ((bits + roundingBias) >>> 16);
    }

    public static float toFloat(short code) {
        return Float.intBitsToFloat(code << 16);
    }
}
