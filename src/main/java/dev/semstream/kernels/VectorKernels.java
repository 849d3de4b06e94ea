package dev.semstream.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * SIMD transformer kernels on {@code jdk.incubator.vector}, at the width {@link VectorWidth} chose (16 floats
 * with AVX-512, 8 with AVX2). Each method mirrors {@link ScalarKernels}; tests hold them to each other.
 */
final class VectorKernels extends Kernels {
    static final VectorKernels INSTANCE = new VectorKernels();

    private static final VectorSpecies<Float> S = VectorWidth.FLOATS;
    private static final int L = S.length();
    /** Two vectors per panel row. */
    private static final int PANEL = 2 * L;
    /**
     * Output rows the main micro-kernel keeps in registers. At 256 bits, 6 rows (12 accumulators, 15 of the
     * 16 ymm registers): two 256-bit FMA pipes with a 4-5 cycle latency need 8-10 independent chains, and each
     * load of the panel then serves 12 FMAs. At 512 bits, 4 rows (8 accumulators): Zen 4 retires one 512-bit
     * FMA a cycle, so 8 chains already cover its latency, and 6 rows measured slower (GemmBenchmark, one
     * thread, 256x384x1152: 104 GFLOP/s with 4 rows, 97 with 6; at 256 bits 86 with 4 rows, 88 with 6, and
     * 70 against 80 for a 15-token text).
     */
    private static final int ROWS = L <= 8 ? 6 : 4;
    /** Stands in for a missing bias. */
    private static final float[] ZEROS = new float[PANEL];

    private VectorKernels() {
    }

    @Override
    public String name() {
        return "vector-" + S.vectorBitSize();
    }

    @Override
    public int panelWidth() {
        return PANEL;
    }

    @Override
    public void gemmTile(float[] x, int xOff, int xStride, int r0, int r1, PackedMatrix w, int depth, int p0, int p1,
                         float[] bias, float[] out, int outOff, int outStride, Epilogue epilogue) {
        int n = w.n();
        boolean accumulate = epilogue == Epilogue.ACCUMULATE;
        for (int p = p0; p < p1; p++) {
            int col0 = p * PANEL;
            int width = Math.min(PANEL, n - col0);
            if (width < PANEL) {
                // The last, partial panel of a matrix whose width is not a multiple of the panel.
                for (int r = r0; r < r1; r++) {
                    kernelPartial(x, xOff + r * xStride, w, depth, p, bias, out, outOff + r * outStride + col0, width,
                            accumulate);
                }
            } else {
                // Vectors are never passed between methods here: a vector argument arrives boxed, and
                // C2 then keeps the loop's accumulators boxed too, allocating on every iteration.
                float[] b = bias == null ? ZEROS : bias;
                int bOff = bias == null ? 0 : col0;
                int r = r0;
                if (ROWS == 6) {
                    for (; r + 6 <= r1; r += 6) {
                        kernel6x2(x, xOff + r * xStride, w, depth, p, b, bOff, out, outOff + r * outStride + col0,
                                xStride, outStride, accumulate);
                    }
                }
                for (; r + 4 <= r1; r += 4) {
                    kernel4x2(x, xOff + r * xStride, w, depth, p, b, bOff, out, outOff + r * outStride + col0,
                            xStride, outStride, accumulate);
                }
                // The row block's tail in one pass over the panel, not one pass per row.
                switch (r1 - r) {
                    case 3 -> kernel3x2(x, xOff + r * xStride, w, depth, p, b, bOff, out, outOff + r * outStride + col0,
                            xStride, outStride, accumulate);
                    case 2 -> kernel2x2(x, xOff + r * xStride, w, depth, p, b, bOff, out, outOff + r * outStride + col0,
                            xStride, outStride, accumulate);
                    case 1 -> kernel1x2(x, xOff + r * xStride, w, depth, p, b, bOff, out, outOff + r * outStride + col0,
                            accumulate);
                    default -> { }
                }
            }
            if (epilogue == Epilogue.GELU) {
                // Applied while the tile is still in L1; kept out of the micro-kernel so C2 keeps its
                // accumulators in registers (a large inlined epilogue makes it box them).
                for (int r = r0; r < r1; r++) {
                    gelu(out, outOff + r * outStride + col0, width);
                }
            } else if (epilogue == Epilogue.GELU_TANH) {
                for (int r = r0; r < r1; r++) {
                    geluTanh(out, outOff + r * outStride + col0, width);
                }
            }
        }
    }

    /*
     * One micro-kernel per row count (6, 4, 3, 2, 1), alike but for the number of accumulators, as in every
     * BLAS: the accumulators must be named locals for C2 to keep them in registers (an array of vectors, or
     * a loop over rows, boxes them), so a row count cannot be a parameter.
     *
     * The micro-kernels index the panel as base + kk * PANEL rather than stepping a second index: C2 then
     * proves the loads in range before the loop instead of checking two of them on every step (the
     * disassembly showed two compare-and-branch pairs per step). At 256 bits, where a step is 12 FMAs in 6
     * cycles and the instructions around them are the limit, that was 10-15% (256 x 384 x 1152, one thread:
     * 88 -> 98 GFLOP/s); at 512 bits no change.
     */

    /**
     * Four output rows by one full panel: the hot loop. The accumulators stay in registers for the whole
     * k loop; nothing in this method may stop C2 from inlining every vector operation, or it boxes them.
     */
    private static void kernel4x2(float[] x, int a0, PackedMatrix w, int k, int p, float[] bias, int biasOff,
                                  float[] out, int o0, int xStride, int outStride,
                                  boolean accumulate) {
        FloatVector bias0 = FloatVector.fromArray(S, bias, biasOff);
        FloatVector bias1 = FloatVector.fromArray(S, bias, biasOff + L);
        float[] packed = w.data();
        int a1 = a0 + xStride;
        int a2 = a1 + xStride;
        int a3 = a2 + xStride;
        FloatVector c00 = bias0;
        FloatVector c01 = bias1;
        FloatVector c10 = bias0;
        FloatVector c11 = bias1;
        FloatVector c20 = bias0;
        FloatVector c21 = bias1;
        FloatVector c30 = bias0;
        FloatVector c31 = bias1;
        int base = w.panelOffset(p);
        for (int kk = 0; kk < k; kk++) {
            int b = base + kk * PANEL;
            FloatVector w0 = FloatVector.fromArray(S, packed, b);
            FloatVector w1 = FloatVector.fromArray(S, packed, b + L);
            FloatVector x0 = FloatVector.broadcast(S, x[a0 + kk]);
            c00 = w0.fma(x0, c00);
            c01 = w1.fma(x0, c01);
            FloatVector x1 = FloatVector.broadcast(S, x[a1 + kk]);
            c10 = w0.fma(x1, c10);
            c11 = w1.fma(x1, c11);
            FloatVector x2 = FloatVector.broadcast(S, x[a2 + kk]);
            c20 = w0.fma(x2, c20);
            c21 = w1.fma(x2, c21);
            FloatVector x3 = FloatVector.broadcast(S, x[a3 + kk]);
            c30 = w0.fma(x3, c30);
            c31 = w1.fma(x3, c31);
        }
        int o1 = o0 + outStride;
        int o2 = o1 + outStride;
        int o3 = o2 + outStride;
        if (accumulate) {
            c00 = c00.add(FloatVector.fromArray(S, out, o0));
            c01 = c01.add(FloatVector.fromArray(S, out, o0 + L));
            c10 = c10.add(FloatVector.fromArray(S, out, o1));
            c11 = c11.add(FloatVector.fromArray(S, out, o1 + L));
            c20 = c20.add(FloatVector.fromArray(S, out, o2));
            c21 = c21.add(FloatVector.fromArray(S, out, o2 + L));
            c30 = c30.add(FloatVector.fromArray(S, out, o3));
            c31 = c31.add(FloatVector.fromArray(S, out, o3 + L));
        }
        c00.intoArray(out, o0);
        c01.intoArray(out, o0 + L);
        c10.intoArray(out, o1);
        c11.intoArray(out, o1 + L);
        c20.intoArray(out, o2);
        c21.intoArray(out, o2 + L);
        c30.intoArray(out, o3);
        c31.intoArray(out, o3 + L);
    }

    /**
     * Six rows by one panel: 12 accumulators, so AVX2's 16 registers hold them with both weight vectors and a
     * broadcast, and enough independent FMA chains to hide the FMA latency on two 256-bit pipes.
     */
    private static void kernel6x2(float[] x, int a0, PackedMatrix w, int k, int p, float[] bias, int biasOff,
                                  float[] out, int o0, int xStride, int outStride,
                                  boolean accumulate) {
        FloatVector bias0 = FloatVector.fromArray(S, bias, biasOff);
        FloatVector bias1 = FloatVector.fromArray(S, bias, biasOff + L);
        float[] packed = w.data();
        int a1 = a0 + xStride;
        int a2 = a1 + xStride;
        int a3 = a2 + xStride;
        int a4 = a3 + xStride;
        int a5 = a4 + xStride;
        FloatVector c00 = bias0;
        FloatVector c01 = bias1;
        FloatVector c10 = bias0;
        FloatVector c11 = bias1;
        FloatVector c20 = bias0;
        FloatVector c21 = bias1;
        FloatVector c30 = bias0;
        FloatVector c31 = bias1;
        FloatVector c40 = bias0;
        FloatVector c41 = bias1;
        FloatVector c50 = bias0;
        FloatVector c51 = bias1;
        int base = w.panelOffset(p);
        for (int kk = 0; kk < k; kk++) {
            int b = base + kk * PANEL;
            FloatVector w0 = FloatVector.fromArray(S, packed, b);
            FloatVector w1 = FloatVector.fromArray(S, packed, b + L);
            FloatVector x0 = FloatVector.broadcast(S, x[a0 + kk]);
            c00 = w0.fma(x0, c00);
            c01 = w1.fma(x0, c01);
            FloatVector x1 = FloatVector.broadcast(S, x[a1 + kk]);
            c10 = w0.fma(x1, c10);
            c11 = w1.fma(x1, c11);
            FloatVector x2 = FloatVector.broadcast(S, x[a2 + kk]);
            c20 = w0.fma(x2, c20);
            c21 = w1.fma(x2, c21);
            FloatVector x3 = FloatVector.broadcast(S, x[a3 + kk]);
            c30 = w0.fma(x3, c30);
            c31 = w1.fma(x3, c31);
            FloatVector x4 = FloatVector.broadcast(S, x[a4 + kk]);
            c40 = w0.fma(x4, c40);
            c41 = w1.fma(x4, c41);
            FloatVector x5 = FloatVector.broadcast(S, x[a5 + kk]);
            c50 = w0.fma(x5, c50);
            c51 = w1.fma(x5, c51);
        }
        int o1 = o0 + outStride;
        int o2 = o1 + outStride;
        int o3 = o2 + outStride;
        int o4 = o3 + outStride;
        int o5 = o4 + outStride;
        if (accumulate) {
            c00 = c00.add(FloatVector.fromArray(S, out, o0));
            c01 = c01.add(FloatVector.fromArray(S, out, o0 + L));
            c10 = c10.add(FloatVector.fromArray(S, out, o1));
            c11 = c11.add(FloatVector.fromArray(S, out, o1 + L));
            c20 = c20.add(FloatVector.fromArray(S, out, o2));
            c21 = c21.add(FloatVector.fromArray(S, out, o2 + L));
            c30 = c30.add(FloatVector.fromArray(S, out, o3));
            c31 = c31.add(FloatVector.fromArray(S, out, o3 + L));
            c40 = c40.add(FloatVector.fromArray(S, out, o4));
            c41 = c41.add(FloatVector.fromArray(S, out, o4 + L));
            c50 = c50.add(FloatVector.fromArray(S, out, o5));
            c51 = c51.add(FloatVector.fromArray(S, out, o5 + L));
        }
        c00.intoArray(out, o0);
        c01.intoArray(out, o0 + L);
        c10.intoArray(out, o1);
        c11.intoArray(out, o1 + L);
        c20.intoArray(out, o2);
        c21.intoArray(out, o2 + L);
        c30.intoArray(out, o3);
        c31.intoArray(out, o3 + L);
        c40.intoArray(out, o4);
        c41.intoArray(out, o4 + L);
        c50.intoArray(out, o5);
        c51.intoArray(out, o5 + L);
    }

    /**
     * Three rows by one panel: the tail of a row block, so a 15-token text reads each panel four times instead
     * of six.
     */
    private static void kernel3x2(float[] x, int a0, PackedMatrix w, int k, int p, float[] bias, int biasOff,
                                  float[] out, int o0, int xStride, int outStride,
                                  boolean accumulate) {
        FloatVector bias0 = FloatVector.fromArray(S, bias, biasOff);
        FloatVector bias1 = FloatVector.fromArray(S, bias, biasOff + L);
        float[] packed = w.data();
        int a1 = a0 + xStride;
        int a2 = a1 + xStride;
        FloatVector c00 = bias0;
        FloatVector c01 = bias1;
        FloatVector c10 = bias0;
        FloatVector c11 = bias1;
        FloatVector c20 = bias0;
        FloatVector c21 = bias1;
        int base = w.panelOffset(p);
        for (int kk = 0; kk < k; kk++) {
            int b = base + kk * PANEL;
            FloatVector w0 = FloatVector.fromArray(S, packed, b);
            FloatVector w1 = FloatVector.fromArray(S, packed, b + L);
            FloatVector x0 = FloatVector.broadcast(S, x[a0 + kk]);
            c00 = w0.fma(x0, c00);
            c01 = w1.fma(x0, c01);
            FloatVector x1 = FloatVector.broadcast(S, x[a1 + kk]);
            c10 = w0.fma(x1, c10);
            c11 = w1.fma(x1, c11);
            FloatVector x2 = FloatVector.broadcast(S, x[a2 + kk]);
            c20 = w0.fma(x2, c20);
            c21 = w1.fma(x2, c21);
        }
        int o1 = o0 + outStride;
        int o2 = o1 + outStride;
        if (accumulate) {
            c00 = c00.add(FloatVector.fromArray(S, out, o0));
            c01 = c01.add(FloatVector.fromArray(S, out, o0 + L));
            c10 = c10.add(FloatVector.fromArray(S, out, o1));
            c11 = c11.add(FloatVector.fromArray(S, out, o1 + L));
            c20 = c20.add(FloatVector.fromArray(S, out, o2));
            c21 = c21.add(FloatVector.fromArray(S, out, o2 + L));
        }
        c00.intoArray(out, o0);
        c01.intoArray(out, o0 + L);
        c10.intoArray(out, o1);
        c11.intoArray(out, o1 + L);
        c20.intoArray(out, o2);
        c21.intoArray(out, o2 + L);
    }

    /** Two rows by one panel: the tail of a row block. */
    private static void kernel2x2(float[] x, int a0, PackedMatrix w, int k, int p, float[] bias, int biasOff,
                                  float[] out, int o0, int xStride, int outStride,
                                  boolean accumulate) {
        FloatVector bias0 = FloatVector.fromArray(S, bias, biasOff);
        FloatVector bias1 = FloatVector.fromArray(S, bias, biasOff + L);
        float[] packed = w.data();
        int a1 = a0 + xStride;
        FloatVector c00 = bias0;
        FloatVector c01 = bias1;
        FloatVector c10 = bias0;
        FloatVector c11 = bias1;
        int base = w.panelOffset(p);
        for (int kk = 0; kk < k; kk++) {
            int b = base + kk * PANEL;
            FloatVector w0 = FloatVector.fromArray(S, packed, b);
            FloatVector w1 = FloatVector.fromArray(S, packed, b + L);
            FloatVector x0 = FloatVector.broadcast(S, x[a0 + kk]);
            c00 = w0.fma(x0, c00);
            c01 = w1.fma(x0, c01);
            FloatVector x1 = FloatVector.broadcast(S, x[a1 + kk]);
            c10 = w0.fma(x1, c10);
            c11 = w1.fma(x1, c11);
        }
        int o1 = o0 + outStride;
        if (accumulate) {
            c00 = c00.add(FloatVector.fromArray(S, out, o0));
            c01 = c01.add(FloatVector.fromArray(S, out, o0 + L));
            c10 = c10.add(FloatVector.fromArray(S, out, o1));
            c11 = c11.add(FloatVector.fromArray(S, out, o1 + L));
        }
        c00.intoArray(out, o0);
        c01.intoArray(out, o0 + L);
        c10.intoArray(out, o1);
        c11.intoArray(out, o1 + L);
    }

    private static void kernel1x2(float[] x, int a0, PackedMatrix w, int k, int p, float[] bias, int biasOff,
                                  float[] out, int o0, boolean accumulate) {
        float[] packed = w.data();
        FloatVector c0 = FloatVector.fromArray(S, bias, biasOff);
        FloatVector c1 = FloatVector.fromArray(S, bias, biasOff + L);
        int base = w.panelOffset(p);
        for (int kk = 0; kk < k; kk++) {
            int b = base + kk * PANEL;
            FloatVector x0 = FloatVector.broadcast(S, x[a0 + kk]);
            c0 = FloatVector.fromArray(S, packed, b).fma(x0, c0);
            c1 = FloatVector.fromArray(S, packed, b + L).fma(x0, c1);
        }
        if (accumulate) {
            c0 = c0.add(FloatVector.fromArray(S, out, o0));
            c1 = c1.add(FloatVector.fromArray(S, out, o0 + L));
        }
        c0.intoArray(out, o0);
        c1.intoArray(out, o0 + L);
    }

    /** One row of a partial panel, with masked loads and stores; runs once per row per matrix. */
    private static void kernelPartial(float[] x, int a0, PackedMatrix w, int k, int p, float[] bias, float[] out, int o0,
                                      int width, boolean accumulate) {
        VectorMask<Float> m0 = S.indexInRange(0, width);
        VectorMask<Float> m1 = S.indexInRange(L, width);
        int col0 = p * PANEL;
        FloatVector c0 = bias == null ? FloatVector.zero(S) : FloatVector.fromArray(S, bias, col0, m0);
        FloatVector c1 = bias == null ? FloatVector.zero(S) : FloatVector.fromArray(S, bias, col0 + L, m1);
        float[] packed = w.data();
        int base = w.panelOffset(p);
        for (int kk = 0; kk < k; kk++) {
            int b = base + kk * PANEL;
            FloatVector x0 = FloatVector.broadcast(S, x[a0 + kk]);
            c0 = FloatVector.fromArray(S, packed, b).fma(x0, c0);
            c1 = FloatVector.fromArray(S, packed, b + L).fma(x0, c1);
        }
        if (accumulate) {
            c0 = c0.add(FloatVector.fromArray(S, out, o0, m0));
            c1 = c1.add(FloatVector.fromArray(S, out, o0 + L, m1));
        }
        c0.intoArray(out, o0, m0);
        c1.intoArray(out, o0 + L, m1);
    }

    private static final FloatVector ONE = FloatVector.broadcast(S, 1f);
    private static final FloatVector P3 = FloatVector.broadcast(S, Erf.P3);
    private static final FloatVector P2 = FloatVector.broadcast(S, Erf.P2);
    private static final FloatVector P1 = FloatVector.broadcast(S, Erf.P1);
    private static final FloatVector P0 = FloatVector.broadcast(S, Erf.P0);
    private static final FloatVector Q3 = FloatVector.broadcast(S, Erf.Q3);
    private static final FloatVector Q2 = FloatVector.broadcast(S, Erf.Q2);
    private static final FloatVector Q1 = FloatVector.broadcast(S, Erf.Q1);

    /** Vector GELU with the same rational erf, step for step, as {@link Erf#gelu}. */
    static FloatVector gelu(FloatVector x) {
        FloatVector z = x.mul(Erf.INV_SQRT2).max(-Erf.LIMIT).min(Erf.LIMIT);
        FloatVector u = z.mul(z).mul(Erf.U_SCALE);
        FloatVector p = u.fma(Erf.P5, Erf.P4).fma(u, P3).fma(u, P2).fma(u, P1).fma(u, P0);
        FloatVector q = u.fma(Erf.Q5, Erf.Q4).fma(u, Q3).fma(u, Q2).fma(u, Q1).fma(u, ONE);
        FloatVector erf = z.mul(p).div(q);
        return x.mul(0.5f).mul(erf.add(ONE));
    }

    /** Vector GELU, tanh form, as {@code x / (1 + exp(-2u))} step for step like {@link GeluTanh#of}. */
    static FloatVector geluTanh(FloatVector x) {
        FloatVector u = x.mul(x).fma(GeluTanh.C1, 1f).mul(x).mul(GeluTanh.MINUS_TWO_C0);
        return x.div(u.lanewise(VectorOperators.EXP).add(ONE));
    }

    @Override
    public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        return VectorSearchKernels.INSTANCE.dot(a, aOff, b, bOff, n);
    }

    @Override
    public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        FloatVector a = FloatVector.broadcast(S, alpha);
        int i = 0;
        for (int upper = S.loopBound(n); i < upper; i += L) {
            FloatVector.fromArray(S, x, xOff + i).fma(a, FloatVector.fromArray(S, y, yOff + i))
                    .intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] += alpha * x[xOff + i];
        }
    }

    @Override
    public void add(float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        for (int upper = S.loopBound(n); i < upper; i += L) {
            FloatVector.fromArray(S, y, yOff + i).add(FloatVector.fromArray(S, x, xOff + i)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] += x[xOff + i];
        }
    }

    @Override
    public void scale(float[] x, int off, int n, float alpha) {
        int i = 0;
        for (int upper = S.loopBound(n); i < upper; i += L) {
            FloatVector.fromArray(S, x, off + i).mul(alpha).intoArray(x, off + i);
        }
        for (; i < n; i++) {
            x[off + i] *= alpha;
        }
    }

    @Override
    public void layerNorm(float[] x, int off, float[] gamma, float[] beta, float eps) {
        int n = gamma.length;
        int upper = S.loopBound(n);
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (; i < upper; i += L) {
            acc = acc.add(FloatVector.fromArray(S, x, off + i));
        }
        float sum = LaneSum.of(acc);
        for (; i < n; i++) {
            sum += x[off + i];
        }
        float mean = sum / n;
        FloatVector meanV = FloatVector.broadcast(S, mean);
        acc = FloatVector.zero(S);
        for (i = 0; i < upper; i += L) {
            FloatVector d = FloatVector.fromArray(S, x, off + i).sub(meanV);
            acc = d.fma(d, acc);
        }
        float var = LaneSum.of(acc);
        for (; i < n; i++) {
            float d = x[off + i] - mean;
            var += d * d;
        }
        float inv = (float) (1.0 / Math.sqrt(var / n + eps));
        for (i = 0; i < upper; i += L) {
            FloatVector d = FloatVector.fromArray(S, x, off + i).sub(meanV).mul(inv);
            d.fma(FloatVector.fromArray(S, gamma, i), FloatVector.fromArray(S, beta, i)).intoArray(x, off + i);
        }
        for (; i < n; i++) {
            x[off + i] = (x[off + i] - mean) * inv * gamma[i] + beta[i];
        }
    }

    @Override
    public float softmax(float[] x, int off, int n) {
        int upper = S.loopBound(n);
        FloatVector maxV = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        int i = 0;
        for (; i < upper; i += L) {
            maxV = maxV.max(FloatVector.fromArray(S, x, off + i));
        }
        float max = maxV.reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) {
            max = Math.max(max, x[off + i]);
        }
        FloatVector sumV = FloatVector.zero(S);
        for (i = 0; i < upper; i += L) {
            FloatVector e = FloatVector.fromArray(S, x, off + i).sub(max).lanewise(VectorOperators.EXP);
            e.intoArray(x, off + i);
            sumV = sumV.add(e);
        }
        float sum = LaneSum.of(sumV);
        for (; i < n; i++) {
            float e = (float) Math.exp(x[off + i] - max);
            x[off + i] = e;
            sum += e;
        }
        scale(x, off, n, 1f / sum);
        return max + (float) Math.log(sum);
    }

    @Override
    public void gelu(float[] x, int off, int n) {
        int i = 0;
        for (int upper = S.loopBound(n); i < upper; i += L) {
            gelu(FloatVector.fromArray(S, x, off + i)).intoArray(x, off + i);
        }
        for (; i < n; i++) {
            x[off + i] = Erf.gelu(x[off + i]);
        }
    }

    @Override
    public void geluTanh(float[] x, int off, int n) {
        int i = 0;
        for (int upper = S.loopBound(n); i < upper; i += L) {
            geluTanh(FloatVector.fromArray(S, x, off + i)).intoArray(x, off + i);
        }
        for (; i < n; i++) {
            x[off + i] = GeluTanh.of(x[off + i]);
        }
    }

    @Override
    public void geluTanhBackward(float[] pre, int preOff, float[] grad, int gradOff, int n) {
        int i = 0;
        for (int upper = S.loopBound(n); i < upper; i += L) {
            FloatVector x = FloatVector.fromArray(S, pre, preOff + i);
            FloatVector.fromArray(S, grad, gradOff + i).mul(geluTanhDerivative(x)).intoArray(grad, gradOff + i);
        }
        for (; i < n; i++) {
            grad[gradOff + i] *= GeluTanh.derivative(pre[preOff + i]);
        }
    }

    /** {@link GeluTanh#derivative}'s formula, with fused multiply-adds: {@code s + x s (1 - s) 2 C0 (1 + 3 C1 x^2)}. */
    private static FloatVector geluTanhDerivative(FloatVector x) {
        FloatVector x2 = x.mul(x);
        FloatVector u = x2.fma(GeluTanh.C1, 1f).mul(x).mul(GeluTanh.MINUS_TWO_C0);
        FloatVector s = ONE.div(u.lanewise(VectorOperators.EXP).add(ONE));
        FloatVector slope = x2.fma(3f * GeluTanh.C1, 1f).mul(-GeluTanh.MINUS_TWO_C0);
        return x.mul(s).mul(ONE.sub(s)).fma(slope, s);
    }

    @Override
    public void scoreKeys(float[] q, int qOff, int headSize, float[] kt, int ktStride, float[] scores, int n) {
        int j = 0;
        // Two key blocks at a time share each broadcast of q[d].
        for (int upper = n - 2 * L; j <= upper; j += 2 * L) {
            FloatVector s0 = FloatVector.zero(S);
            FloatVector s1 = FloatVector.zero(S);
            for (int d = 0, row = j; d < headSize; d++, row += ktStride) {
                FloatVector qd = FloatVector.broadcast(S, q[qOff + d]);
                s0 = FloatVector.fromArray(S, kt, row).fma(qd, s0);
                s1 = FloatVector.fromArray(S, kt, row + L).fma(qd, s1);
            }
            s0.intoArray(scores, j);
            s1.intoArray(scores, j + L);
        }
        for (; j < n; j += L) {
            VectorMask<Float> m = S.indexInRange(j, n);
            FloatVector s0 = FloatVector.zero(S);
            for (int d = 0, row = j; d < headSize; d++, row += ktStride) {
                s0 = FloatVector.fromArray(S, kt, row, m).fma(FloatVector.broadcast(S, q[qOff + d]), s0);
            }
            s0.intoArray(scores, j, m);
        }
    }

    @Override
    public void mixValues(float[] p, int n, float[] v, int vOff, int vStride, float[] out, int outOff,
                          int headSize) {
        int d = 0;
        for (int upper = S.loopBound(headSize); d < upper; d += L) {
            FloatVector acc = FloatVector.zero(S);
            for (int j = 0, row = vOff + d; j < n; j++, row += vStride) {
                acc = FloatVector.fromArray(S, v, row).fma(FloatVector.broadcast(S, p[j]), acc);
            }
            acc.intoArray(out, outOff + d);
        }
        for (; d < headSize; d++) {
            float s = 0f;
            for (int j = 0, row = vOff + d; j < n; j++, row += vStride) {
                s += p[j] * v[row];
            }
            out[outOff + d] = s;
        }
    }
}
