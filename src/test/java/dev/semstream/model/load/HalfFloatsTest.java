package dev.semstream.model.load;

import org.junit.jupiter.api.Test;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HalfFloatsTest {

    @Test
    void knownHalfValues() {
        assertEquals(1f, HalfFloats.f16ToFloat((short) 0x3C00));
        assertEquals(-2f, HalfFloats.f16ToFloat((short) 0xC000));
        assertEquals(65504f, HalfFloats.f16ToFloat((short) 0x7BFF));
        assertEquals(0x1p-24f, HalfFloats.f16ToFloat((short) 0x0001));
        assertEquals(Float.NEGATIVE_INFINITY, HalfFloats.f16ToFloat((short) 0xFC00));
        assertTrue(Float.isNaN(HalfFloats.f16ToFloat((short) 0x7E00)));
        assertEquals((short) 0x3C00, HalfFloats.floatToF16(1f));
        assertEquals((short) 0x7C00, HalfFloats.floatToF16(65520f)); // rounds up past the largest half
        assertEquals((short) 0x7BFF, HalfFloats.floatToF16(65519f));
        assertEquals((short) 0x0000, HalfFloats.floatToF16(0x1p-26f)); // below half the smallest subnormal
        assertEquals((short) 0x0001, HalfFloats.floatToF16(0x1.8p-25f));
    }

    @Test
    void knownBfloat16Values() {
        assertEquals(1f, HalfFloats.bf16ToFloat((short) 0x3F80));
        assertEquals(-5f, HalfFloats.bf16ToFloat((short) 0xC0A0));
        assertEquals((short) 0x3F80, HalfFloats.floatToBf16(1f));
        assertEquals((short) 0x3F80, HalfFloats.floatToBf16(Float.intBitsToFloat(0x3F808000))); // tie to even
        assertEquals((short) 0x3F82, HalfFloats.floatToBf16(Float.intBitsToFloat(0x3F818000))); // tie to even, up
        assertTrue(Float.isNaN(HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(Float.NaN))));
    }

    @Test
    void everyHalfSurvivesARoundTripThroughFloat() {
        for (int bits = 0; bits < 0x10000; bits++) {
            float f = HalfFloats.f16ToFloat((short) bits);
            if (Float.isNaN(f)) {
                assertTrue(Float.isNaN(HalfFloats.f16ToFloat(HalfFloats.floatToF16(f))));
            } else {
                assertEquals((short) bits, HalfFloats.floatToF16(f), "half 0x" + Integer.toHexString(bits));
            }
        }
    }

    /** On Java 20+ the JDK has its own binary16 conversions; ours must agree with them exactly. */
    @Test
    void agreesWithTheJdkWhereItHasBinary16() throws Throwable {
        MethodHandle toFloat;
        MethodHandle toHalf;
        try {
            MethodHandles.Lookup l = MethodHandles.publicLookup();
            toFloat = l.findStatic(Float.class, "float16ToFloat", MethodType.methodType(float.class, short.class));
            toHalf = l.findStatic(Float.class, "floatToFloat16", MethodType.methodType(short.class, float.class));
        } catch (NoSuchMethodException e) {
            org.junit.jupiter.api.Assumptions.abort("Float.float16ToFloat needs Java 20+, running " + Runtime.version());
            return;
        }
        for (int bits = 0; bits < 0x10000; bits++) {
            float ours = HalfFloats.f16ToFloat((short) bits);
            float jdk = (float) toFloat.invokeExact((short) bits);
            assertEquals(Float.isNaN(jdk), Float.isNaN(ours));
            if (!Float.isNaN(jdk)) {
                assertEquals(Float.floatToRawIntBits(jdk), Float.floatToRawIntBits(ours), "half 0x" + Integer.toHexString(bits));
            }
        }
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < 2_000_000; i++) {
            // Random bit patterns cover every binade; scaled gaussians stress the range weights live in.
            float f = i % 2 == 0 ? Float.intBitsToFloat(r.nextInt()) : (float) (r.nextGaussian() * Math.pow(2, r.nextInt(-30, 20)));
            if (Float.isNaN(f)) {
                continue;
            }
            short jdk = (short) toHalf.invokeExact(f);
            assertEquals(jdk, HalfFloats.floatToF16(f), "float " + f);
        }
    }
}
