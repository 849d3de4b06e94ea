package dev.semstream.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The SIMD kernels add a vector's lanes in one order, so a score is the same bits whichever JIT tier ran it
 * and on either JDK. {@code reduceLanes(ADD)} gave JDK 25's interpreter and C2 different orders: an exact
 * search over a store and the index over the same vectors disagreed by an ulp once one had been compiled.
 */
class LaneSumTest {

    @Test
    void addsTheLanesAsAHalvingTreeAtEveryWidth() {
        Random rnd = new Random(3);
        for (VectorSpecies<Float> species : List.of(FloatVector.SPECIES_128, FloatVector.SPECIES_256,
                FloatVector.SPECIES_512)) {
            for (int n = 0; n < 2_000; n++) {
                float[] lanes = gaussians(rnd, species.length());
                float expected = halvingTree(lanes.clone());
                float actual = LaneSum.of(FloatVector.fromArray(species, lanes, 0));
                assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(actual),
                        species + " vector " + n + ": " + expected + " vs " + actual);
            }
        }
    }

    @Test
    void aDotProductIsTheSameBitsColdAndCompiled() {
        Random rnd = new Random(5);
        int dim = 384 + 5;
        float[] q = gaussians(rnd, dim);
        float[] rows = gaussians(rnd, 64 * dim);
        float[] expected = new float[64];
        for (int r = 0; r < 64; r++) {
            expected[r] = referenceDot(q, rows, r * dim, dim, VectorWidth.FLOATS.length());
        }
        SearchKernels kernels = SearchKernels.best();
        float[] out = new float[64];
        // The first pass may run in the interpreter, the last in C2 code: 20,000 calls are past its threshold.
        for (int pass = 0; pass < 20_000; pass++) {
            for (int r = 0; r < 4; r++) {
                out[r] = kernels.dot(q, 0, rows, r * dim, dim);
            }
            kernels.dotRows(q, 0, rows, 4 * dim, 60, dim, out, 4);
            if (pass == 0 || pass == 19_999) {
                for (int r = 0; r < 64; r++) {
                    assertEquals(Float.floatToIntBits(expected[r]), Float.floatToIntBits(out[r]),
                            "pass " + pass + " row " + r + ": " + expected[r] + " vs " + out[r]);
                }
            }
        }
    }

    /** What the SIMD dot computes, lane by lane: one fused chain per lane, the halving tree, the tail. */
    private static float referenceDot(float[] q, float[] rows, int off, int dim, int lanes) {
        float[] acc = new float[lanes];
        int i = 0;
        for (; i + lanes <= dim; i += lanes) {
            for (int j = 0; j < lanes; j++) {
                acc[j] = Math.fma(rows[off + i + j], q[i + j], acc[j]);
            }
        }
        float s = halvingTree(acc);
        for (; i < dim; i++) {
            s += q[i] * rows[off + i];
        }
        return s;
    }

    private static float halvingTree(float[] t) {
        for (int w = t.length / 2; w >= 1; w /= 2) {
            for (int i = 0; i < w; i++) {
                t[i] += t[i + w];
            }
        }
        return t[0];
    }

    private static float[] gaussians(Random rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        return x;
    }
}
