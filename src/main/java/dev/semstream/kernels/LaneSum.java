package dev.semstream.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The sum of a vector's lanes in one fixed order: halves added until four lanes are left, then
 * {@code (l0 + l2) + (l1 + l3)}. {@code reduceLanes(ADD)} leaves the order to the implementation, and it
 * does vary: on JDK 25 a method C2 has compiled adds the lanes as a halving tree, while the same method
 * still interpreted, and JDK 17's C2, add them in sequence; one score then changed by an ulp once the
 * JIT had warmed up, and an index and a scan of the same vectors disagreed depending on which had
 * been compiled. Lanewise adds and lane moves round the same everywhere, so this sum is the same bits
 * in every tier, on both JDKs and at every width; it is as fast as {@code reduceLanes} once compiled.
 */
final class LaneSum {
    private static final VectorSpecies<Float> HALF_OF_512 = FloatVector.SPECIES_256;
    private static final VectorSpecies<Float> HALF_OF_256 = FloatVector.SPECIES_128;

    private LaneSum() {
    }

    static float of(FloatVector v) {
        FloatVector h = v;
        // The widths are static finals at the call sites, so C2 folds these tests away.
        if (h.bitSize() == 512) {
            h = half(h, HALF_OF_512, 0).add(half(h, HALF_OF_512, 1));
        }
        if (h.bitSize() == 256) {
            h = half(h, HALF_OF_256, 0).add(half(h, HALF_OF_256, 1));
        }
        if (h.bitSize() != 128) {
            // 64-bit vectors (two lanes) exist but no kernel uses them: VectorWidth offers 128 bits at least.
            return h.reduceLanes(VectorOperators.ADD);
        }
        return (h.lane(0) + h.lane(2)) + (h.lane(1) + h.lane(3));
    }

    /** The lower ({@code part} 0) or upper (1) half of {@code v}'s lanes. */
    private static FloatVector half(FloatVector v, VectorSpecies<Float> halfSpecies, int part) {
        return (FloatVector) v.reinterpretShape(halfSpecies, part);
    }
}
