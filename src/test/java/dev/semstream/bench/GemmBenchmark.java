package dev.semstream.bench;

import dev.semstream.kernels.Epilogue;
import dev.semstream.kernels.Kernels;
import dev.semstream.kernels.PackedMatrix;
import dev.semstream.kernels.Parallel;

import java.util.Locale;
import java.util.Random;

/**
 * GFLOP/s of the GEMM on the encoder's shapes (M tokens x K in x N out): QKV, MLP up, MLP down, for a
 * short text, a long text and a 32-text batch. Run single-threaded ({@code -Dsemstream.threads=1}) to
 * see the micro-kernel against one core's peak, or as is for the multi-core figure.
 * Usage: {@code bench/gemm}; results also in {@code target/bench/gemm.json}.
 */
public final class GemmBenchmark {
    public static void main(String[] args) {
        Kernels kernels = Kernels.best();
        int[][] shapes = {{12, 384, 1152}, {15, 384, 1152}, {15, 1536, 384}, {60, 384, 1536}, {250, 384, 1152}, {250, 384, 384}, {384, 384, 1152}, {384, 1536, 384}, {1920, 384, 1152}, {1920, 384, 1536}, {1920, 1536, 384}, {256, 384, 1152},
                {256, 384, 1536}, {256, 1536, 384}, {8192, 384, 1536}};
        System.out.printf("kernels %s, %d threads%n", kernels.name(), Parallel.threads());
        BenchReport report = BenchReport.of("gemm");
        for (int[] s : shapes) {
            int m = s[0];
            int k = s[1];
            int n = s[2];
            double seconds = secondsPerGemm(kernels, m, k, n);
            double flops = 2.0 * m * k * n;
            System.out.printf(Locale.ROOT, "M=%5d K=%4d N=%4d: %8.3f ms  %6.1f GFLOP/s%n", m, k, n, seconds * 1e3,
                    flops / seconds / 1e9);
            report.addRow().put("m", m).put("k", k).put("n", n).put("ms", BenchReport.round(seconds * 1e3, 3))
                    .put("gflops", BenchReport.round(flops / seconds / 1e9, 1));
        }
        report.write();
    }

    /**
     * Seconds per {@code gemm} of M x K by K x N on random operands, after a warm-up, over ~30 GFLOP of work (at
     * least 5 runs): the measurement every benchmark that quotes the GEMM peak shares.
     */
    static double secondsPerGemm(Kernels kernels, int m, int k, int n) {
        Random rnd = new Random(1);
        float[] x = new float[m * k];
        float[] w = new float[k * n];
        for (int i = 0; i < x.length; i++) {
            x[i] = rnd.nextFloat();
        }
        for (int i = 0; i < w.length; i++) {
            w[i] = rnd.nextFloat();
        }
        float[] out = new float[m * n];
        float[] bias = new float[n];
        PackedMatrix packed = kernels.pack(w, k, n);
        double flops = 2.0 * m * k * n;
        int iterations = Math.max(5, (int) (3e10 / flops));
        for (int i = 0; i < iterations / 2 + 5; i++) {
            kernels.gemm(x, 0, m, packed, bias, out, 0, Epilogue.STORE);
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < iterations; i++) {
            kernels.gemm(x, 0, m, packed, bias, out, 0, Epilogue.STORE);
        }
        return (System.nanoTime() - t0) / 1e9 / iterations;
    }
}
