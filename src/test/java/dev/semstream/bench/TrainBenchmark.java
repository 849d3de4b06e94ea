package dev.semstream.bench;

import dev.semstream.kernels.Kernels;
import dev.semstream.kernels.Parallel;
import dev.semstream.model.GptConfig;
import dev.semstream.train.AdamW;
import dev.semstream.train.GradientClipping;
import dev.semstream.train.TrainableGpt;

import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Training throughput of {@link TrainableGpt}: forward + backward tokens/s and achieved GFLOP/s on the two
 * nanoGPT shapes of issue 12 (PyTorch 2.13 CPU fp32 on this machine class: 2,405 and 1,193 tokens/s), against the
 * GEMM peak measured in the same run on the training's own largest GEMM shape, with a profile of where a step's
 * time goes. A step is what PyTorch's figure times too: zero the gradients, forward, backward, clip the global
 * gradient norm, an AdamW update.
 *
 * <p>FLOPs per token, as nanoGPT's {@code estimate_mfu} counts them: {@code 6 N + 12 L D T}, where N counts the
 * matmul parameters (per layer 12 D^2 for QKV, projection and the MLP, plus the head's V D; embeddings and norms do
 * no matmul), 6 = 2 (multiply-add) x 3 (forward, and the input and weight gradients), and {@code 12 L D T = 2 x 2
 * x T x D x L x 3} is attention's two T x D products per token per layer, forward and backward. Causal masking
 * halves attention's real work, as in nanoGPT's count, so the figure is the conventional one, not the work done.
 *
 * <p>Usage: {@code bench/train [--steps N] [--warmup N] [--shape vocab,context,layers,heads,width,batch]} (the
 * shape instead of the two, for sizing a model); AVX2 width with
 * {@code BENCH_JAVA_OPTS=-Dsemstream.simd.bits=256}; results in {@code target/bench/train.json}.
 */
public final class TrainBenchmark {
    /** vocab, context, layers, heads, width, batch, PyTorch tokens/s. */
    private static final int[][] SHAPES = {{8192, 256, 4, 4, 256, 16, 2405}, {8192, 256, 6, 6, 384, 8, 1193}};

    public static void main(String[] args) {
        int steps = intOption(args, "--steps", 5);
        int warmup = intOption(args, "--warmup", 2);
        int[][] shapes = SHAPES;
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals("--shape")) {
                int[] v = java.util.Arrays.stream(args[i + 1].split(",")).mapToInt(Integer::parseInt).toArray();
                shapes = new int[][]{{v[0], v[1], v[2], v[3], v[4], v[5], 0}};
            }
        }
        Kernels kernels = Kernels.best();
        BenchReport report = BenchReport.of("train");
        System.out.println(report.machine().summary());
        // The peak: the MLP's up-projection of the first shape, forward (4096 x 256 x 1024), on all cores.
        double peakGflops = 2.0 * 4096 * 256 * 1024 / GemmBenchmark.secondsPerGemm(kernels, 4096, 256, 1024) / 1e9;
        System.out.printf(Locale.ROOT, "kernels %s, %d threads, GEMM peak (4096 x 256 x 1024) %.1f GFLOP/s%n",
                kernels.name(), Parallel.threads(), peakGflops);
        report.root().put("steps", steps).put("warmup", warmup).put("gemmPeakGflops", BenchReport.round(peakGflops, 1));
        for (int[] s : shapes) {
            GptConfig config = new GptConfig(s[0], s[1], s[4], s[2], s[3], 1e-5f);
            int batch = s[5];
            int t = config.contextLength();
            TrainableGpt model = TrainableGpt.initialised(config, 1);
            SplittableRandom rnd = new SplittableRandom(2);
            int[] inputs = new int[batch * t];
            int[] targets = new int[batch * t];
            for (int i = 0; i < inputs.length; i++) {
                inputs[i] = rnd.nextInt(config.vocabSize());
                targets[i] = rnd.nextInt(config.vocabSize());
            }
            AdamW optimizer = new AdamW(model.parameters(), 0.9f, 0.99f, 1e-8f, 0.1f);
            for (int i = 0; i < warmup; i++) {
                step(model, optimizer, inputs, targets, batch, t);
            }
            model.profile().reset();
            long optimizerNanos = 0;
            long t0 = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                optimizerNanos += step(model, optimizer, inputs, targets, batch, t);
            }
            double seconds = (System.nanoTime() - t0) / 1e9 / steps;
            double tokensPerSecond = batch * t / seconds;
            double gflops = flopsPerToken(config) * tokensPerSecond / 1e9;
            System.out.printf(Locale.ROOT, "%nvocab %d, context %d, %d layers, %d heads, width %d, batch %d (%.1fM "
                            + "parameters): %.0f ms/step, %.0f tokens/s (PyTorch %d, x%.2f; target x1.5), %.1f GFLOP/s "
                            + "(%.0f%% of the GEMM peak)%n", config.vocabSize(), t, config.layers(), config.heads(),
                    config.dim(), batch, config.parameterCount() / 1e6, seconds * 1e3, tokensPerSecond, s[6],
                    tokensPerSecond / s[6], gflops, 100 * gflops / peakGflops);
            var row = report.addRow().put("vocab", config.vocabSize()).put("context", t).put("layers", config.layers())
                    .put("heads", config.heads()).put("width", config.dim()).put("batch", batch)
                    .put("msPerStep", BenchReport.round(seconds * 1e3, 1))
                    .put("tokensPerSecond", BenchReport.round(tokensPerSecond, 0)).put("pytorchTokensPerSecond", s[6])
                    .put("ratioToPytorch", BenchReport.round(tokensPerSecond / s[6], 2))
                    .put("gflops", BenchReport.round(gflops, 1));
            var profile = row.putObject("profileMsPerStep");
            Map<String, Double> opSeconds = new java.util.LinkedHashMap<>();
            model.profile().seconds().forEach((op, v) -> opSeconds.put(op.name(), v));
            opSeconds.put("CLIP_AND_ADAMW", optimizerNanos / 1e9);
            double total = opSeconds.values().stream().mapToDouble(Double::doubleValue).sum();
            for (Map.Entry<String, Double> e : opSeconds.entrySet()) {
                double ms = e.getValue() * 1e3 / steps;
                System.out.printf(Locale.ROOT, "  %-20s %8.1f ms  %5.1f%%%n", e.getKey(), ms,
                        100 * e.getValue() / total);
                profile.put(e.getKey(), BenchReport.round(ms, 1));
            }
        }
        report.write();
    }

    /** One training step; returns the nanoseconds of its clip and AdamW update. */
    private static long step(TrainableGpt model, AdamW optimizer, int[] inputs, int[] targets, int batch, int t) {
        model.zeroGradients();
        model.forwardBackward(inputs, targets, batch, t, 1f);
        long t0 = System.nanoTime();
        GradientClipping.clip(model.parameters(), 1f);
        optimizer.step(model.parameters(), 1e-4f);
        return System.nanoTime() - t0;
    }

    /** {@code 6 N + 12 L D T}: see the class comment. */
    static double flopsPerToken(GptConfig c) {
        double matmulParameters = 12.0 * c.layers() * c.dim() * c.dim() + (double) c.vocabSize() * c.dim();
        return 6 * matmulParameters + 12.0 * c.layers() * c.dim() * c.contextLength();
    }

    private static int intOption(String[] args, String name, int fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return Integer.parseInt(args[i + 1]);
            }
        }
        return fallback;
    }
}
