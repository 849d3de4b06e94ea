package dev.semstream.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The sum of a vector's lanes in one fixed order: halves added until four lanes are left, then
 * {@code (l0 + l2) + (l1 + l3)}. {@code reduceLanes(ADD)} leaves the order to the implementation, and it
 * does vary: on JDK 25 a method C2 has compiled adds the lanes as a halving tree, while the same method
 * still interpreted, and JDK 17's C2, add them in sequence; one score then changed by an ulp once the
 * JIT had warmed up, and an index and a scan of the same vectors disagreed depending on which had
 * been compiled. Lanewise adds and lane moves round the same everywhere, so this sum is the same bits
 * in every tier, on both JDKs and at every width.
 *
 * <p>The halves are folded with a constant shuffle that swaps them ({@code rearrange}, one permute), not by
 * {@code reinterpretShape} to the half shape: on JDK 25 C2 did not intrinsify taking the upper half that
 * way, and ran the API's Java fallback (a heap memory segment per call) instead. On a Zen 5 machine that
 * fallback took half the time of the exact float scan, whose kernels sum four rows' lanes per pass.
 * Lane i of {@code v + swap(v)} is {@code v[i] + v[i + half]}, the same sum the halves gave.
 */
final class LaneSum {
    /** Per width: the shuffles that swap the two halves of the whole vector, then of its lower half. */
    private static final VectorShuffle<Float> SWAP_8_OF_16 = swap(FloatVector.SPECIES_512, 8);
    private static final VectorShuffle<Float> SWAP_4_OF_16 = swap(FloatVector.SPECIES_512, 4);
    private static final VectorShuffle<Float> SWAP_4_OF_8 = swap(FloatVector.SPECIES_256, 4);

    private LaneSum() {
    }

    static float of(FloatVector v) {
        FloatVector h = v;
        // The widths are static finals at the call sites, so C2 folds these tests away.
        if (h.bitSize() == 512) {
            h = h.add(h.rearrange(SWAP_8_OF_16));
            h = h.add(h.rearrange(SWAP_4_OF_16));
        } else if (h.bitSize() == 256) {
            h = h.add(h.rearrange(SWAP_4_OF_8));
        } else if (h.bitSize() != 128) {
            // 64-bit vectors (two lanes) exist but no kernel uses them: VectorWidth offers 128 bits at least.
            return h.reduceLanes(VectorOperators.ADD);
        }
        return (h.lane(0) + h.lane(2)) + (h.lane(1) + h.lane(3));
    }

    /** The shuffle of {@code species} that swaps lane i with lane i + span within each block of 2 span lanes. */
    private static VectorShuffle<Float> swap(VectorSpecies<Float> species, int span) {
        int[] order = new int[species.length()];
        for (int i = 0; i < order.length; i++) {
            order[i] = (i / span) % 2 == 0 ? i + span : i - span;
        }
        return VectorShuffle.fromArray(species, order, 0);
    }
}
