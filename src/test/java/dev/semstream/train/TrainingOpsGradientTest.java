package dev.semstream.train;

import dev.semstream.kernels.Epilogue;
import dev.semstream.kernels.Kernels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every backward op on its own against central finite differences of its double-precision reference forward
 * ({@link ReferenceGpt}). An op with output Y is checked through the scalar {@code sum(R * Y)} for a random R, so
 * its backward pass runs with dY = R. Shapes are odd on purpose: row counts and widths that end in partial panels
 * and partial chunks, sequences that cross the attention's key-panel boundaries, two blocks of the head.
 */
class TrainingOpsGradientTest {
    /**
     * Of the tensor's largest gradient: float32 ops against a double-precision finite difference came out at
     * 1e-7 to 1e-6; a missing term is off by at least a percent.
     */
    private static final double TOLERANCE = 2e-5;

    static Stream<Kernels> kernels() {
        return Stream.of(Kernels.scalar(), Kernels.best());
    }

    @Test
    void layerNorm() {
        int rows = 37;
        int d = 19;
        SplittableRandom rnd = new SplittableRandom(1);
        float[] x = random(rnd, rows * d, 2);
        float[] gamma = random(rnd, d, 1);
        float[] beta = random(rnd, d, 1);
        double[] r = ReferenceGpt.toDouble(random(rnd, rows * d, 1));
        float eps = 1e-5f;
        float[] y = new float[rows * d];
        float[] xhat = new float[rows * d];
        float[] rstd = new float[rows];
        LayerNormOp.forward(x, rows, d, gamma, beta, eps, y, xhat, rstd);
        float[] dx = new float[rows * d];
        float[] dgamma = new float[d];
        float[] dbeta = new float[d];
        LayerNormOp.backward(toFloat(r), xhat, rstd, rows, d, gamma, dx, dgamma, dbeta);
        double[] xd = ReferenceGpt.toDouble(x);
        double[] gd = ReferenceGpt.toDouble(gamma);
        double[] bd = ReferenceGpt.toDouble(beta);
        GradientCheck.assertClose(GradientCheck.numeric(xd,
                v -> dot(r, ReferenceGpt.layerNorm(v, rows, d, gd, bd, eps))), dx, TOLERANCE, "dx");
        GradientCheck.assertClose(GradientCheck.numeric(gd,
                v -> dot(r, ReferenceGpt.layerNorm(xd, rows, d, v, bd, eps))), dgamma, TOLERANCE, "dgamma");
        GradientCheck.assertClose(GradientCheck.numeric(bd,
                v -> dot(r, ReferenceGpt.layerNorm(xd, rows, d, gd, v, eps))), dbeta, TOLERANCE, "dbeta");
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void dense(Kernels kernels) {
        int rows = 45;
        int in = 13;
        int out = 37;
        SplittableRandom rnd = new SplittableRandom(2);
        float[] x = random(rnd, rows * in, 1);
        float[] w = random(rnd, in * out, 1);
        float[] b = random(rnd, out, 1);
        double[] r = ReferenceGpt.toDouble(random(rnd, rows * out, 1));
        float[] dw = new float[in * out];
        float[] db = new float[out];
        DenseOp op = new DenseOp(kernels, w, b, dw, db, in, out);
        op.pack(true);
        float[] y = new float[rows * out];
        op.forward(x, rows, y, Epilogue.STORE);
        float[] dx = new float[rows * in];
        op.backward(x, toFloat(r), rows, dx, new GradientScratch(kernels));
        double[] xd = ReferenceGpt.toDouble(x);
        double[] wd = ReferenceGpt.toDouble(w);
        double[] bd = ReferenceGpt.toDouble(b);
        GradientCheck.assertClose(ReferenceGpt.dense(xd, rows, in, out, wd, bd), y, 1e-6, "y");
        GradientCheck.assertClose(GradientCheck.numeric(xd,
                v -> dot(r, ReferenceGpt.dense(v, rows, in, out, wd, bd))), dx, TOLERANCE, "dx");
        GradientCheck.assertClose(GradientCheck.numeric(wd,
                v -> dot(r, ReferenceGpt.dense(xd, rows, in, out, v, bd))), dw, TOLERANCE, "dW");
        GradientCheck.assertClose(GradientCheck.numeric(bd,
                v -> dot(r, ReferenceGpt.dense(xd, rows, in, out, wd, v))), db, TOLERANCE, "db");
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void causalAttention(Kernels kernels) {
        int batch = 2;
        int t = 37;
        int heads = 2;
        int headSize = 12;
        int dim = heads * headSize;
        SplittableRandom rnd = new SplittableRandom(3);
        float[] qkv = random(rnd, batch * t * 3 * dim, 1);
        double[] r = ReferenceGpt.toDouble(random(rnd, batch * t * dim, 1));
        CausalAttentionOp op = new CausalAttentionOp(kernels, heads, headSize);
        float[] probs = new float[(int) CausalAttentionOp.probabilitiesSize(batch, t, heads)];
        float[] out = new float[batch * t * dim];
        op.forward(qkv, batch, t, probs, out);
        float[] dqkv = new float[qkv.length];
        op.backward(qkv, probs, toFloat(r), batch, t, dqkv);
        double[] qd = ReferenceGpt.toDouble(qkv);
        GradientCheck.assertClose(ReferenceGpt.causalAttention(qd, batch, t, heads, headSize), out, 1e-5, "out");
        GradientCheck.assertClose(GradientCheck.numeric(qd,
                v -> dot(r, ReferenceGpt.causalAttention(v, batch, t, heads, headSize))), dqkv, TOLERANCE, "dqkv");
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void geluTanh(Kernels kernels) {
        int rows = 33;
        int width = 7;
        SplittableRandom rnd = new SplittableRandom(4);
        float[] pre = random(rnd, rows * width, 3);
        double[] r = ReferenceGpt.toDouble(random(rnd, rows * width, 1));
        float[] act = new float[pre.length];
        GeluOp.forward(kernels, pre, act, rows, width);
        float[] grad = toFloat(r);
        GeluOp.backward(kernels, pre, grad, rows, width);
        double[] pd = ReferenceGpt.toDouble(pre);
        GradientCheck.assertClose(ReferenceGpt.geluTanh(pd), act, 1e-6, "act");
        GradientCheck.assertClose(GradientCheck.numeric(pd, v -> dot(r, ReferenceGpt.geluTanh(v))), grad, TOLERANCE,
                "dpre");
    }

    @Test
    void embeddings() {
        int vocab = 11;
        int seqLen = 9;
        int rows = 3 * seqLen;
        int d = 70;
        SplittableRandom rnd = new SplittableRandom(5);
        float[] wte = random(rnd, vocab * d, 1);
        float[] wpe = random(rnd, seqLen * d, 1);
        int[] inputs = rnd.ints(rows, 0, vocab).toArray();
        double[] r = ReferenceGpt.toDouble(random(rnd, rows * d, 1));
        float[] x = new float[rows * d];
        EmbeddingOp.forward(wte, wpe, inputs, rows, seqLen, d, x);
        float[] dwte = new float[wte.length];
        float[] dwpe = new float[wpe.length];
        EmbeddingOp.backward(toFloat(r), inputs, rows, seqLen, d, dwte, dwpe);
        double[] ted = ReferenceGpt.toDouble(wte);
        double[] ped = ReferenceGpt.toDouble(wpe);
        GradientCheck.assertClose(GradientCheck.numeric(ted, v -> dot(r, embed(v, ped, inputs, seqLen, d))), dwte,
                TOLERANCE, "dwte");
        GradientCheck.assertClose(GradientCheck.numeric(ped, v -> dot(r, embed(ted, v, inputs, seqLen, d))), dwpe,
                TOLERANCE, "dwpe");
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void tiedHeadAndCrossEntropy(Kernels kernels) {
        int rows = TiedHeadLossOp.BLOCK + 45;
        int vocab = 23;
        int d = 10;
        float gradScale = 0.7f;
        SplittableRandom rnd = new SplittableRandom(6);
        float[] x = random(rnd, rows * d, 1);
        float[] wte = random(rnd, vocab * d, 1);
        int[] targets = rnd.ints(rows, 0, vocab).toArray();
        float[] dwte = new float[wte.length];
        TiedHeadLossOp op = new TiedHeadLossOp(kernels, wte, dwte, vocab, d);
        op.pack(true);
        float[] rowLoss = new float[rows];
        float[] dx = new float[rows * d];
        op.run(x, targets, rows, rowLoss, gradScale, dx, new GradientScratch(kernels));
        double[] xd = ReferenceGpt.toDouble(x);
        double[] wd = ReferenceGpt.toDouble(wte);
        double loss = 0;
        for (float l : rowLoss) {
            loss += l;
        }
        assertEquals(ReferenceGpt.headLoss(xd, rows, d, wd, vocab, targets), loss / rows, 1e-5, "loss");
        GradientCheck.assertClose(GradientCheck.numeric(xd,
                v -> gradScale * ReferenceGpt.headLoss(v, rows, d, wd, vocab, targets)), dx, TOLERANCE, "dx");
        GradientCheck.assertClose(GradientCheck.numeric(wd,
                v -> gradScale * ReferenceGpt.headLoss(xd, rows, d, v, vocab, targets)), dwte, TOLERANCE, "dwte");
    }

    private static double[] embed(double[] wte, double[] wpe, int[] inputs, int seqLen, int d) {
        double[] x = new double[inputs.length * d];
        for (int r = 0; r < inputs.length; r++) {
            for (int c = 0; c < d; c++) {
                x[r * d + c] = wte[inputs[r] * d + c] + wpe[(r % seqLen) * d + c];
            }
        }
        return x;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static float[] random(SplittableRandom rnd, int n, double std) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (rnd.nextGaussian() * std);
        }
        return a;
    }

    private static float[] toFloat(double[] a) {
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            f[i] = (float) a[i];
        }
        return f;
    }
}
