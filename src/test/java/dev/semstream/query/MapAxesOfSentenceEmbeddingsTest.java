package dev.semstream.query;

import dev.semstream.model.Encoder;
import dev.semstream.model.EncoderOptions;
import dev.semstream.model.TextVector;
import dev.semstream.model.load.EncoderModels;
import dev.semstream.reference.TextCorpus;
import dev.semstream.store.PlaneProjection;
import dev.semstream.store.PrincipalPlane;
import dev.semstream.store.VectorSample;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The map's axes over the pipeline's own embeddings, a few dozen of them: a covariance of rank n - 1 in 384
 * dimensions, on which Commons Math's EigenDecomposition threw "convergence failed" (13 to 90 texts of this
 * corpus did), so a new store had no map.
 */
class MapAxesOfSentenceEmbeddingsTest {
    @Test
    void aFewDozenSentenceEmbeddingsHaveOrthonormalAxesOfTheirLargestVariance() {
        Encoder encoder = EncoderModels.encoder(null, EncoderOptions.defaults());
        List<float[]> vectors = encoder.embed(TextCorpus.texts(31L, 60, 14)).stream().map(TextVector::vector).toList();
        for (int n : new int[]{13, 20, 60}) {
            VectorSample sample = new VectorSample(encoder.modelId(), encoder.dimensions(), 5_000, EmbeddingMap.SEED);
            for (int i = 0; i < n; i++) {
                sample.offer("m-" + i, vectors.get(i));
            }
            PrincipalPlane plane = PrincipalPlane.of(sample);
            PlaneProjection p = plane.projection();
            assertEquals(1, dot(p.axisX(), p.axisX()), 1e-5, "n=" + n);
            assertEquals(1, dot(p.axisY(), p.axisY()), 1e-5, "n=" + n);
            assertEquals(0, dot(p.axisX(), p.axisY()), 1e-5, "n=" + n);
            double[] v = plane.explainedVariance();
            assertTrue(v[0] >= v[1] && v[1] > 0 && v[0] + v[1] < plane.totalVariance(), "n=" + n);
            // The reported variance is the variance of the points' x and y.
            double sx = 0;
            double sy = 0;
            for (int i = 0; i < n; i++) {
                float[] xy = p.project(vectors.get(i));
                sx += xy[0] * xy[0];
                sy += xy[1] * xy[1];
            }
            assertEquals(v[0], sx / (n - 1), 1e-3 * v[0], "n=" + n);
            assertEquals(v[1], sy / (n - 1), 1e-3 * v[1], "n=" + n);
        }
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
