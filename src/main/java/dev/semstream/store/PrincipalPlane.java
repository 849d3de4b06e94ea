package dev.semstream.store;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;

import java.util.List;

/**
 * The plane a sample of vectors varies most in: its mean and the top two principal components (the
 * eigenvectors of the sample covariance with the largest eigenvalues, by Commons Math), for drawing a store's vectors as a
 * map. Each axis' sign is fixed (its largest-magnitude component positive, the first such on a tie), so
 * the picture does not mirror between two computations on the same data. An axis along which the sample
 * does not vary at all (one vector; every vector on a line) is the first unit vector orthogonal to the
 * axes before it, so the plane is always defined and deterministic.
 *
 * @param projection        the mean and the two axes
 * @param explainedVariance the sample variance along each axis (the two largest eigenvalues)
 * @param totalVariance     the sample's total variance (the covariance's trace): the share an axis explains
 *                          is its variance over this
 * @param sampleSize        vectors the plane was computed from
 */
public record PrincipalPlane(PlaneProjection projection, double[] explainedVariance, double totalVariance,
                             int sampleSize) {
    /** An eigenvalue this small against the largest (or against 1 when all are 0) is no variation. */
    private static final double FLAT = 1e-9;

    /**
     * @throws InvalidRequestException if the sample is empty: no vectors, no map
     */
    public static PrincipalPlane of(VectorSample sample) {
        List<VectorSample.Row> rows = sample.rows();
        if (rows.isEmpty()) {
            throw new InvalidRequestException("no vectors of model " + sample.modelId() + " are stored: nothing to map");
        }
        int d = sample.dimension();
        int n = rows.size();
        double[] mean = new double[d];
        for (VectorSample.Row r : rows) {
            float[] v = r.vector();
            for (int i = 0; i < d; i++) {
                mean[i] += v[i];
            }
        }
        for (int i = 0; i < d; i++) {
            mean[i] /= n;
        }
        double[][] covariance = covariance(rows, mean, d);
        // The covariance is symmetric and positive semi-definite, so its singular value decomposition is its
        // eigen decomposition (singular values = eigenvalues, descending). Commons Math's EigenDecomposition
        // fails to converge ("convergence failed") on the rank-deficient covariances of a few dozen sentence
        // embeddings; its SVD (JAMA's Golub-Kahan) does not.
        SingularValueDecomposition svd = new SingularValueDecomposition(new Array2DRowRealMatrix(covariance, false));
        double[] values = svd.getSingularValues();
        RealMatrix vectors = svd.getU();
        double total = 0;
        for (int i = 0; i < d; i++) {
            total += covariance[i][i];
        }
        double largest = values.length == 0 ? 0 : values[0];
        double[][] axes = new double[2][];
        double[] variance = new double[2];
        for (int k = 0; k < 2; k++) {
            double lambda = k < values.length ? values[k] : 0;
            if (lambda > FLAT * (largest > 0 ? largest : 1)) {
                axes[k] = vectors.getColumn(k);
                variance[k] = lambda;
            } else {
                axes[k] = firstUnitOrthogonalTo(d, axes, k);
                variance[k] = 0;
            }
            fixSign(axes[k]);
        }
        PlaneProjection projection = new PlaneProjection(sample.modelId(), toFloats(mean), toFloats(axes[0]),
                toFloats(axes[1]));
        return new PrincipalPlane(projection, variance, total, n);
    }

    /** Rows centred and accumulated together: their run of one output row stays in the L1 cache. */
    private static final int BLOCK = 32;

    /**
     * The sample covariance (denominator n - 1; 0 for one vector): the upper triangle accumulated a block of
     * rows at a time (a contiguous inner loop the JIT vectorises, over an output row that stays in cache,
     * rather than streaming the whole d x d triangle through memory once per row), then mirrored.
     */
    private static double[][] covariance(List<VectorSample.Row> rows, double[] mean, int d) {
        double[] upper = new double[d * d];
        double[][] block = new double[BLOCK][d];
        for (int from = 0; from < rows.size(); from += BLOCK) {
            int count = Math.min(BLOCK, rows.size() - from);
            for (int r = 0; r < count; r++) {
                float[] v = rows.get(from + r).vector();
                for (int i = 0; i < d; i++) {
                    block[r][i] = v[i] - mean[i];
                }
            }
            for (int i = 0; i < d; i++) {
                int base = i * d;
                for (int r = 0; r < count; r++) {
                    double[] centred = block[r];
                    double ci = centred[i];
                    for (int j = i; j < d; j++) {
                        upper[base + j] += ci * centred[j];
                    }
                }
            }
        }
        double scale = rows.size() > 1 ? 1.0 / (rows.size() - 1) : 0;
        double[][] c = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = i; j < d; j++) {
                double value = upper[i * d + j] * scale;
                c[i][j] = value;
                c[j][i] = value;
            }
        }
        return c;
    }

    private static double[] firstUnitOrthogonalTo(int d, double[][] axes, int count) {
        for (int u = 0; u < d; u++) {
            double[] v = new double[d];
            v[u] = 1;
            for (int k = 0; k < count; k++) {
                double dot = v[u] * axes[k][u];
                for (int i = 0; i < d; i++) {
                    v[i] -= dot * axes[k][i];
                }
            }
            double norm = 0;
            for (double x : v) {
                norm += x * x;
            }
            norm = Math.sqrt(norm);
            if (norm > 0.5) {
                for (int i = 0; i < d; i++) {
                    v[i] /= norm;
                }
                return v;
            }
        }
        // Only a one-dimensional space has no second axis: it is drawn on a line.
        return new double[d];
    }

    /** The largest-magnitude component positive (the first such on a tie). */
    private static void fixSign(double[] axis) {
        int at = 0;
        for (int i = 1; i < axis.length; i++) {
            if (Math.abs(axis[i]) > Math.abs(axis[at])) {
                at = i;
            }
        }
        if (axis[at] < 0) {
            for (int i = 0; i < axis.length; i++) {
                axis[i] = -axis[i];
            }
        }
    }

    private static float[] toFloats(double[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (float) values[i];
        }
        return out;
    }
}
