package dev.semstream.store;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The map's axes against data whose principal directions and variances are known by construction. */
class PrincipalPlaneTest {
    private static final String MODEL = "test@1";

    @Test
    void theAxesAreTheKnownPrincipalDirectionsWithTheirVariances() {
        int d = 48;
        Random random = new Random(7);
        double[] u1 = unit(random, d, null);
        double[] u2 = unit(random, d, u1);
        float[] centre = new float[d];
        for (int i = 0; i < d; i++) {
            centre[i] = (float) random.nextGaussian();
        }
        // Variance 25 along u1, 4 along u2, 0.01 in every direction: total 29 + 0.01 d.
        VectorSample sample = new VectorSample(MODEL, d, 20_000, 1);
        for (int n = 0; n < 20_000; n++) {
            double a = 5 * random.nextGaussian();
            double b = 2 * random.nextGaussian();
            float[] v = new float[d];
            for (int i = 0; i < d; i++) {
                v[i] = (float) (centre[i] + a * u1[i] + b * u2[i] + 0.1 * random.nextGaussian());
            }
            sample.offer("v" + n, v);
        }
        PrincipalPlane plane = PrincipalPlane.of(sample);
        assertEquals(20_000, plane.sampleSize());
        assertEquals(1, Math.abs(dot(plane.projection().axisX(), u1)), 1e-3, "the first axis is u1 up to sign");
        assertEquals(1, Math.abs(dot(plane.projection().axisY(), u2)), 1e-3, "the second axis is u2 up to sign");
        assertEquals(0, dot(plane.projection().axisX(), plane.projection().axisY()), 1e-5);
        assertEquals(25, plane.explainedVariance()[0], 25 * 0.04);
        assertEquals(4, plane.explainedVariance()[1], 4 * 0.04);
        assertEquals(29 + 0.01 * d, plane.totalVariance(), (29 + 0.01 * d) * 0.04);
        assertArrayEquals(centre, plane.projection().mean(), 0.1f);
        assertLargestComponentPositive(plane.projection().axisX());
        assertLargestComponentPositive(plane.projection().axisY());
    }

    @Test
    void theSameSampleGivesTheSameAxesBitForBitWhateverOrderItWasOfferedIn() {
        int d = 16;
        Random random = new Random(3);
        float[][] vectors = new float[500][d];
        for (float[] v : vectors) {
            for (int i = 0; i < d; i++) {
                v[i] = (float) (random.nextGaussian() * (i + 1));
            }
        }
        VectorSample forward = new VectorSample(MODEL, d, 200, 9);
        VectorSample backward = new VectorSample(MODEL, d, 200, 9);
        for (int n = 0; n < vectors.length; n++) {
            forward.offer("id" + n, vectors[n]);
        }
        for (int n = vectors.length - 1; n >= 0; n--) {
            backward.offer("id" + n, vectors[n]);
        }
        PrincipalPlane a = PrincipalPlane.of(forward);
        PrincipalPlane b = PrincipalPlane.of(backward);
        assertArrayEquals(a.projection().mean(), b.projection().mean());
        assertArrayEquals(a.projection().axisX(), b.projection().axisX());
        assertArrayEquals(a.projection().axisY(), b.projection().axisY());
        // The largest variance is along the last coordinate (scale 16): the first axis points there, positive.
        assertTrue(a.projection().axisX()[d - 1] > 0.9f, "axis " + java.util.Arrays.toString(a.projection().axisX()));
    }

    @Test
    void noVectorsIsAClearErrorNotAMap() {
        InvalidRequestException e = assertThrows(InvalidRequestException.class,
                () -> PrincipalPlane.of(new VectorSample(MODEL, 4, 10, 1)));
        assertTrue(e.getMessage().contains("no vectors of model " + MODEL), e.getMessage());
    }

    @Test
    void oneVectorIsThePlaneThroughItOnTheFirstUnitAxes() {
        VectorSample sample = new VectorSample(MODEL, 3, 10, 1);
        sample.offer("only", new float[]{1, 2, 3});
        PrincipalPlane plane = PrincipalPlane.of(sample);
        assertArrayEquals(new float[]{1, 2, 3}, plane.projection().mean());
        assertArrayEquals(new float[]{1, 0, 0}, plane.projection().axisX());
        assertArrayEquals(new float[]{0, 1, 0}, plane.projection().axisY());
        assertArrayEquals(new double[]{0, 0}, plane.explainedVariance());
        assertEquals(0, plane.totalVariance());
        assertArrayEquals(new float[]{0, 0}, plane.projection().project(new float[]{1, 2, 3}));
    }

    @Test
    void fewerVectorsThanDimensionsStillGiveOrthonormalAxesOfTheirSpan() {
        int d = 64;
        // Two vectors: they differ along one direction only; the second axis has no variance.
        VectorSample two = new VectorSample(MODEL, d, 10, 1);
        float[] p = new float[d];
        float[] q = new float[d];
        p[5] = 1;
        q[5] = -1;
        q[9] = 0.5f;
        two.offer("p", p);
        two.offer("q", q);
        PrincipalPlane plane = PrincipalPlane.of(two);
        double[] along = new double[d];
        along[5] = -2 / Math.sqrt(4.25);
        along[9] = 0.5 / Math.sqrt(4.25);
        assertEquals(1, Math.abs(dot(plane.projection().axisX(), along)), 1e-5);
        assertEquals(0, dot(plane.projection().axisX(), plane.projection().axisY()), 1e-5);
        assertEquals(1, norm(plane.projection().axisY()), 1e-5);
        assertEquals(0, plane.explainedVariance()[1], 1e-9);
        // Sample variance (n - 1 = 1) of the two points along their difference: |p - q|^2 / 2.
        assertEquals(4.25 / 2, plane.explainedVariance()[0], 1e-5);
        assertEquals(4.25 / 2, plane.totalVariance(), 1e-5);

        // Ten vectors in 64 dimensions: a 9-dimensional cloud; both axes carry real variance.
        Random random = new Random(5);
        VectorSample ten = new VectorSample(MODEL, d, 10, 1);
        for (int n = 0; n < 10; n++) {
            float[] v = new float[d];
            for (int i = 0; i < d; i++) {
                v[i] = (float) random.nextGaussian();
            }
            ten.offer("t" + n, v);
        }
        PrincipalPlane small = PrincipalPlane.of(ten);
        assertTrue(small.explainedVariance()[0] >= small.explainedVariance()[1]);
        assertTrue(small.explainedVariance()[1] > 0);
        assertEquals(1, norm(small.projection().axisX()), 1e-5);
        assertEquals(0, dot(small.projection().axisX(), small.projection().axisY()), 1e-5);
    }

    @Test
    void aFewDozenUnitVectorsInManyDimensionsAreDecomposedWithoutFailing() {
        // A rank-deficient covariance with hundreds of zero eigenvalues (a new store of sentence embeddings):
        // the QL iteration of an eigen decomposition may fail to converge on it; the plane must not.
        for (int n : new int[]{3, 30, 90, 400}) {
            Random random = new Random(n);
            int d = 384;
            float[][] centres = new float[4][d];
            for (float[] c : centres) {
                for (int i = 0; i < d; i++) {
                    c[i] = (float) random.nextGaussian();
                }
            }
            VectorSample sample = new VectorSample(MODEL, d, 5_000, 1);
            for (int k = 0; k < n; k++) {
                float[] v = new float[d];
                double norm = 0;
                for (int i = 0; i < d; i++) {
                    v[i] = centres[k % 4][i] + (float) (0.5 * random.nextGaussian());
                    norm += v[i] * v[i];
                }
                for (int i = 0; i < d; i++) {
                    v[i] /= (float) Math.sqrt(norm);
                }
                sample.offer("u" + k, v);
            }
            PrincipalPlane plane = PrincipalPlane.of(sample);
            assertEquals(1, norm(plane.projection().axisX()), 1e-5, "n=" + n);
            assertEquals(1, norm(plane.projection().axisY()), 1e-5, "n=" + n);
            assertEquals(0, dot(plane.projection().axisX(), plane.projection().axisY()), 1e-5, "n=" + n);
            assertTrue(plane.explainedVariance()[0] >= plane.explainedVariance()[1] && plane.explainedVariance()[1] > 0);
            // The variance along the first axis is the largest along any direction: no stored vector's
            // direction from the mean beats it.
            double alongX = variance(sample, plane.projection(), plane.projection().axisX());
            assertEquals(plane.explainedVariance()[0], alongX, 1e-4 * alongX, "n=" + n);
        }
    }

    private static double variance(VectorSample sample, PlaneProjection p, float[] axis) {
        double sum = 0;
        var rows = sample.rows();
        for (var r : rows) {
            double x = 0;
            for (int i = 0; i < axis.length; i++) {
                x += (r.vector()[i] - p.mean()[i]) * axis[i];
            }
            sum += x * x;
        }
        return sum / (rows.size() - 1);
    }

    private static void assertLargestComponentPositive(float[] axis) {
        int at = 0;
        for (int i = 1; i < axis.length; i++) {
            if (Math.abs(axis[i]) > Math.abs(axis[at])) {
                at = i;
            }
        }
        assertTrue(axis[at] > 0, "component " + at + " is " + axis[at]);
    }

    private static double[] unit(Random random, int d, double[] orthogonalTo) {
        double[] v = new double[d];
        for (int i = 0; i < d; i++) {
            v[i] = random.nextGaussian();
        }
        if (orthogonalTo != null) {
            double dot = 0;
            for (int i = 0; i < d; i++) {
                dot += v[i] * orthogonalTo[i];
            }
            for (int i = 0; i < d; i++) {
                v[i] -= dot * orthogonalTo[i];
            }
        }
        double n = 0;
        for (double x : v) {
            n += x * x;
        }
        n = Math.sqrt(n);
        for (int i = 0; i < d; i++) {
            v[i] /= n;
        }
        return v;
    }

    private static double dot(float[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static double norm(float[] a) {
        return Math.sqrt(dot(a, a));
    }
}
