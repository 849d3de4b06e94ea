package dev.semstream.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector width every SIMD kernel runs at, chosen once per JVM: the machine's own (512 bits with AVX-512,
 * 256 with AVX2), or {@code -Dsemstream.simd.bits=256} / {@code 512} to run the other one, which is how the
 * tests cover both widths on one machine. It is a static final so that C2 sees a constant species: a species
 * that is not a compile-time constant stops the vector operations from compiling to instructions.
 * Only loaded once {@link VectorSupport} has seen the vector module.
 */
final class VectorWidth {
    static final VectorSpecies<Float> FLOATS = choose(System.getProperty("semstream.simd.bits", ""));
    /**
     * As many bf16 codes as {@link #FLOATS} has lanes, for widening a row of codes to one float vector; null
     * when that would be narrower than the 64 bits the API's smallest shape holds.
     */
    static final VectorSpecies<Short> SHORTS_PER_FLOAT = narrower(short.class, Short.SIZE);
    /** Shorts of {@link #FLOATS}'s shape: int8 codes sign-extended, for int8 x int8 products. */
    static final VectorSpecies<Short> SHORTS = VectorSpecies.of(short.class, FLOATS.vectorShape());
    /** As many int8 codes as {@link #SHORTS} has lanes (two per float lane); null as for {@link #SHORTS_PER_FLOAT}. */
    static final VectorSpecies<Byte> BYTES_PER_SHORT = narrower(byte.class, 2 * Byte.SIZE);
    /** Ints of {@link #FLOATS}'s shape, where bf16 codes are widened before they become floats. */
    static final VectorSpecies<Integer> INTS = VectorSpecies.of(int.class, FLOATS.vectorShape());

    private VectorWidth() {
    }

    private static <E> VectorSpecies<E> narrower(Class<E> lane, int laneBits) {
        int bits = FLOATS.length() * laneBits;
        return bits < 64 ? null : VectorSpecies.of(lane, VectorShape.forBitSize(bits));
    }

    static VectorSpecies<Float> choose(String bits) {
        return switch (bits.strip()) {
            case "" -> FloatVector.SPECIES_PREFERRED;
            case "128" -> FloatVector.SPECIES_128;
            case "256" -> FloatVector.SPECIES_256;
            case "512" -> FloatVector.SPECIES_512;
            default -> throw new IllegalArgumentException(
                    "semstream.simd.bits must be 128, 256 or 512, not '" + bits + "'");
        };
    }
}
