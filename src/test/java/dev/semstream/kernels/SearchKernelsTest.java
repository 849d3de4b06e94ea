package dev.semstream.kernels;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The similarity scan's and the graph walk's kernels, scalar and SIMD, against double-precision definitions:
 * row counts that are and are not multiples of the four-row pass, dimensions shorter than a vector and with
 * a tail, rows contiguous or scattered over several arrays.
 */
class SearchKernelsTest {

    static Stream<Arguments> shapes() {
        return Stream.of(SearchKernels.scalar(), SearchKernels.best()).flatMap(k -> Stream.of(
                Arguments.of(k, 1, 1), Arguments.of(k, 3, 5), Arguments.of(k, 4, 16), Arguments.of(k, 5, 17),
                Arguments.of(k, 9, 384), Arguments.of(k, 12, 385), Arguments.of(k, 7, 33)));
    }

    @Test
    void simdKernelsAreTheOnesChosen() {
        assertTrue(SearchKernels.best().name().startsWith("vector-"), "best kernels were " + SearchKernels.best().name());
    }

    @ParameterizedTest(name = "{0} rows={1} dim={2}")
    @MethodSource("shapes")
    void rowScansMatchDefinition(SearchKernels k, int rows, int dim) {
        Random rnd = new Random(rows * 1000L + dim);
        float[] q = random(rnd, dim + 3);
        float[] slab = random(rnd, rows * dim + 5);
        float[] dots = new float[rows + 2];
        float[] dists = new float[rows + 2];
        k.dotRows(q, 3, slab, 5, rows, dim, dots, 2);
        k.squaredDistanceRows(q, 3, slab, 5, rows, dim, dists, 2);
        for (int r = 0; r < rows; r++) {
            double dot = 0;
            double dist = 0;
            for (int i = 0; i < dim; i++) {
                double a = q[3 + i];
                double b = slab[5 + r * dim + i];
                dot += a * b;
                dist += (a - b) * (a - b);
            }
            assertEquals(dot, dots[2 + r], 1e-5 * Math.max(1, dim), "dot of row " + r);
            assertEquals(dist, dists[2 + r], 1e-5 * Math.max(1, dim), "squared distance of row " + r);
            assertEquals(dist, k.squaredDistance(q, 3, slab, 5 + r * dim, dim), 1e-5 * Math.max(1, dim));
        }
        assertEquals(0f, dots[0]);
        assertEquals(0f, dists[1], "the scan wrote before its output offset");
    }

    @ParameterizedTest(name = "{0} rows={1} dim={2}")
    @MethodSource("shapes")
    void gatheredScoresMatchDefinitionWhereverTheRowsLie(SearchKernels k, int rows, int dim) {
        Random rnd = new Random(rows * 7919L + dim);
        float[] q = random(rnd, dim + 3);
        // Each row in an array of its own or sharing one, at odd offsets, in no order: as a node's neighbours lie.
        float[][] arrays = {random(rnd, 4 * dim + 11), random(rnd, 3 * dim + 2), random(rnd, dim)};
        float[][] rowArrays = new float[rows][];
        int[] offsets = new int[rows];
        for (int r = 0; r < rows; r++) {
            rowArrays[r] = arrays[rnd.nextInt(arrays.length)];
            offsets[r] = rnd.nextInt(rowArrays[r].length - dim + 1);
        }
        float[] dots = new float[rows + 1];
        float[] dists = new float[rows + 1];
        dots[rows] = 42f;
        k.dotGathered(q, 3, rowArrays, offsets, rows, dim, dots);
        k.squaredDistanceGathered(q, 3, rowArrays, offsets, rows, dim, dists);
        for (int r = 0; r < rows; r++) {
            double dot = 0;
            double dist = 0;
            for (int i = 0; i < dim; i++) {
                double a = q[3 + i];
                double b = rowArrays[r][offsets[r] + i];
                dot += a * b;
                dist += (a - b) * (a - b);
            }
            assertEquals(dot, dots[r], 1e-5 * Math.max(1, dim), "dot of row " + r);
            assertEquals(dist, dists[r], 1e-5 * Math.max(1, dim), "squared distance of row " + r);
        }
        assertEquals(42f, dots[rows], "wrote past count");
    }

    @Test
    void scalarAndSimdScansAgree() {
        Random rnd = new Random(7);
        int dim = 384;
        int rows = 101;
        float[] q = random(rnd, dim);
        float[] slab = random(rnd, rows * dim);
        float[] a = new float[rows];
        float[] b = new float[rows];
        SearchKernels.scalar().dotRows(q, 0, slab, 0, rows, dim, a, 0);
        SearchKernels.best().dotRows(q, 0, slab, 0, rows, dim, b, 0);
        for (int r = 0; r < rows; r++) {
            assertEquals(a[r], b[r], 1e-4, "dot row " + r);
        }
        SearchKernels.scalar().squaredDistanceRows(q, 0, slab, 0, rows, dim, a, 0);
        SearchKernels.best().squaredDistanceRows(q, 0, slab, 0, rows, dim, b, 0);
        for (int r = 0; r < rows; r++) {
            assertEquals(a[r], b[r], 1e-3, "distance row " + r);
        }
    }

    private static float[] random(Random rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = rnd.nextFloat() * 2 - 1;
        }
        return x;
    }
}
