package dev.semstream.bench;

import dev.semstream.kernels.Kernels;
import dev.semstream.model.GptConfig;
import dev.semstream.model.GptModel;
import dev.semstream.model.GptWeights;
import dev.semstream.model.KvCache;
import dev.semstream.model.Linear;
import dev.semstream.model.Norm;
import dev.semstream.model.load.HfGpt2Checkpoint;
import dev.semstream.model.load.LoadedGpt;
import dev.semstream.model.sampling.GreedySampler;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Tokens per second of a GPT-2-small-shaped decoder (124M parameters, random weights, fp32), prompt
 * processing and generation reported apart, against the memory-bandwidth roofline measured in the same run.
 *
 * <p>Generating one token at batch 1 multiplies one vector by every weight matrix, so each token reads all
 * the weights once (~0.5 GB for GPT-2 small, the tied output head included) and does only two flops per
 * weight read: it is bound by memory bandwidth, and bandwidth / weight bytes per token is the most it can
 * do. Prefill multiplies a whole prompt by each matrix, so it reuses every weight it reads and is bound by
 * arithmetic instead.
 *
 * <p>Usage: {@code bench/decoder [--prompt 128] [--generate 128] [--rounds 5] [--model DIR]} (a Hugging Face
 * GPT-2 checkpoint instead of random GPT-2 small weights, e.g. {@code model/semstream-gpt}); results also in
 * {@code target/bench/decoder.json}.
 */
public final class DecoderBenchmark {
    public static void main(String[] args) throws Exception {
        int promptLength = intArg(args, "--prompt", 128);
        int generateLength = intArg(args, "--generate", 128);
        int rounds = intArg(args, "--rounds", 5);
        Kernels kernels = Kernels.best();
        BenchReport report = BenchReport.of("decoder");
        System.out.println(report.machine().summary());
        report.root().put("prompt", promptLength).put("generate", generateLength).put("rounds", rounds);

        // Bandwidth is measured before and after the decoder rounds: on a shared machine it moves with the
        // neighbours' load, and the roofline should be the best the memory system delivered in this run.
        MemoryBandwidth memory = new MemoryBandwidth();
        double[] before = bandwidth(memory, "before", report);
        String modelDir = null;
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals("--model")) {
                modelDir = args[i + 1];
            }
        }
        LoadedGpt loaded = modelDir == null ? null : HfGpt2Checkpoint.load(Path.of(modelDir));
        GptConfig config = loaded == null ? GptConfig.gpt2Small() : loaded.config();
        GptModel model = new GptModel(config, loaded == null ? randomWeights(config, 1) : loaded.weights(), kernels);
        report.root().put("model", loaded == null ? "gpt2-small-shape, random weights" : loaded.modelId());
        double weightBytes = weightBytesPerToken(config);
        System.out.printf(Locale.ROOT, "model: %s, %.1fM parameters; %.0f MB of weights read per"
                        + " generated token (output head included)%n", loaded == null ? "GPT-2 small shape" : loaded.modelId(),
                config.parameterCount() / 1e6, weightBytes / 1e6);

        int[] prompt = new SplittableRandom(2).ints(promptLength, 0, config.vocabSize()).toArray();
        GreedySampler greedy = new GreedySampler();
        double bestPrefill = 0;
        double bestGenerate = 0;
        for (int round = 0; round < rounds + 1; round++) { // round 0 warms up
            KvCache cache = model.newCache(Math.min(config.contextLength(), promptLength + generateLength));
            long t0 = System.nanoTime();
            float[] logits = model.append(cache, prompt);
            long t1 = System.nanoTime();
            int[] next = new int[1];
            for (int i = 0; i < generateLength; i++) {
                next[0] = greedy.sample(logits);
                logits = model.append(cache, next);
            }
            long t2 = System.nanoTime();
            double prefill = promptLength / ((t1 - t0) / 1e9);
            double generate = generateLength / ((t2 - t1) / 1e9);
            System.out.printf(Locale.ROOT, "%s: prefill %d tokens in %.0f ms = %.0f tokens/s; generate %d tokens"
                            + " in %.0f ms = %.1f tokens/s%n", round == 0 ? "warm-up" : "round " + round, promptLength,
                    (t1 - t0) / 1e6, prefill, generateLength, (t2 - t1) / 1e6, generate);
            if (round > 0) {
                report.addRow().put("round", round).put("prefillTokensPerSecond", BenchReport.round(prefill, 1))
                        .put("generateTokensPerSecond", BenchReport.round(generate, 2));
                bestPrefill = Math.max(bestPrefill, prefill);
                bestGenerate = Math.max(bestGenerate, generate);
            }
        }
        double[] after = bandwidth(memory, "after", report);
        double read1 = Math.max(before[0], after[0]);
        double read2 = Math.max(before[1], after[1]);
        double roofline1 = read1 * 1e9 / weightBytes;
        double roofline2 = read2 * 1e9 / weightBytes;
        System.out.printf(Locale.ROOT, "%nbest of %d rounds:%n", rounds);
        System.out.printf(Locale.ROOT, "  prefill (%d-token prompt): %.0f tokens/s%n", promptLength, bestPrefill);
        System.out.printf(Locale.ROOT, "  generation (after the prompt, %d tokens): %.1f tokens/s, %.1f GB/s of"
                + " weights%n", generateLength, bestGenerate, bestGenerate * weightBytes / 1e9);
        System.out.printf(Locale.ROOT, "  roofline (best read bandwidth %.1f / %.1f GB/s at 1 / 2 threads, / weight"
                + " bytes per token): %.1f tokens/s at 1 thread, %.1f tokens/s at 2 threads; generation reaches %.0f%%"
                + " of the 2-thread roofline%n", read1, read2, roofline1, roofline2, 100 * bestGenerate / roofline2);
        report.root().put("parameters", config.parameterCount()).put("weightBytesPerToken", (long) weightBytes)
                .put("prefillTokensPerSecond", BenchReport.round(bestPrefill, 1))
                .put("generateTokensPerSecond", BenchReport.round(bestGenerate, 2))
                .put("generateWeightsGBps", BenchReport.round(bestGenerate * weightBytes / 1e9, 2))
                .put("readGBps1Thread", BenchReport.round(read1, 2)).put("readGBps2Threads", BenchReport.round(read2, 2))
                .put("rooflineTokensPerSecond1Thread", BenchReport.round(roofline1, 2))
                .put("rooflineTokensPerSecond2Threads", BenchReport.round(roofline2, 2))
                .put("shareOf2ThreadRoofline", BenchReport.round(bestGenerate / roofline2, 3));
        report.write();
    }

    /** Read bandwidth at 1 and 2 threads (the better of the int and SIMD reads), printing and recording every figure. */
    private static double[] bandwidth(MemoryBandwidth memory, String when, BenchReport report) throws Exception {
        double int1 = memory.intRead(1, 3);
        double int2 = memory.intRead(2, 3);
        double simd1 = memory.vectorRead(1, 3);
        double simd2 = memory.vectorRead(2, 3);
        double triad1 = memory.triad(1, 3);
        double triad2 = memory.triad(2, 3);
        System.out.printf(Locale.ROOT, "memory bandwidth %s (1 GiB), 1 / 2 threads: int-sum read %.1f / %.1f GB/s,"
                + " SIMD read %.1f / %.1f GB/s, triad %.1f / %.1f GB/s%n", when, int1, int2, simd1, simd2, triad1, triad2);
        report.root().putObject("bandwidthGBps" + Character.toUpperCase(when.charAt(0)) + when.substring(1))
                .put("intRead1", BenchReport.round(int1, 2)).put("intRead2", BenchReport.round(int2, 2))
                .put("simdRead1", BenchReport.round(simd1, 2)).put("simdRead2", BenchReport.round(simd2, 2))
                .put("triad1", BenchReport.round(triad1, 2)).put("triad2", BenchReport.round(triad2, 2));
        return new double[]{Math.max(int1, simd1), Math.max(int2, simd2)};
    }

    /** Every packed weight matrix and bias the decoder reads for one token (embedding rows are negligible). */
    static double weightBytesPerToken(GptConfig c) {
        long d = c.dim();
        long perLayer = d * 3 * d + 3 * d + d * d + d + d * 4 * d + 4 * d + 4 * d * d + d + 4 * d;
        return (double) Float.BYTES * (c.layers() * perLayer + (long) c.vocabSize() * d + 2 * d);
    }

    /** GPT-2's initialisation: normal(0, 0.02) weights, zero biases, unit layer norms. */
    static GptWeights randomWeights(GptConfig c, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int d = c.dim();
        List<GptWeights.Layer> layers = new ArrayList<>();
        for (int i = 0; i < c.layers(); i++) {
            layers.add(new GptWeights.Layer(norm(d), linear(r, d, 3 * d), linear(r, d, d), norm(d),
                    linear(r, d, c.mlpDim()), linear(r, c.mlpDim(), d)));
        }
        return new GptWeights(normal(r, c.vocabSize() * d), normal(r, c.contextLength() * d), layers, norm(d));
    }

    private static Linear linear(SplittableRandom r, int in, int out) {
        return new Linear(normal(r, in * out), new float[out], in, out);
    }

    private static Norm norm(int d) {
        float[] g = new float[d];
        Arrays.fill(g, 1f);
        return new Norm(g, new float[d]);
    }

    private static float[] normal(SplittableRandom r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            // Sum of 4 uniforms, scaled: near-normal and much faster than nextGaussian for 124M values.
            a[i] = (float) ((r.nextDouble() + r.nextDouble() + r.nextDouble() + r.nextDouble() - 2) * 0.02 * Math.sqrt(3));
        }
        return a;
    }

    private static int intArg(String[] args, String name, int fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return Integer.parseInt(args[i + 1]);
            }
        }
        return fallback;
    }
}
