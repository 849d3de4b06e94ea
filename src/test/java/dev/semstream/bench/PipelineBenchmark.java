package dev.semstream.bench;

import dev.semstream.app.AppSettings;
import dev.semstream.app.Pipeline;
import dev.semstream.model.Encoder;
import dev.semstream.model.EncoderOptions;
import dev.semstream.model.load.EncoderModels;
import dev.semstream.reference.TextCorpus;
import dev.semstream.topology.GraphBuildPolicy;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The streaming embedder end to end against the encoder alone, same texts, same run.
 *
 * <p>A pipeline runs on the embedded broker and registry. It is warmed up first by streaming other texts
 * through it for {@code --warmup-seconds}: the JIT keeps compiling the broker's and clients' per-request
 * paths for minutes, and a long-running pipeline does not pay for that, so neither should its figure.
 * Then {@code --rounds} times, alternately: N texts produced to the input topic, timed from the first send
 * to the last embedding read back committed; and the same texts through {@code Encoder.embed} in batches
 * of the pipeline's batch size, with the pipeline idle beside it. Alternating puts both sides of each
 * ratio in the same few seconds of this shared machine, whose speed drifts by 20% over minutes. Each
 * window's CPU per thread group is printed, JIT compiler included.
 *
 * <p>Usage: {@code bench/pipeline [--texts N] [--rounds R] [--warmup-seconds S] [--words W] [--commit-ms MS]
 * [--flush-ms MS] [--hnsw-min-vectors N] [--preload N]}; {@code --preload} streams N other texts through first, so
 * the rounds run against a store (and HNSW graphs) of that size. Results also in {@code target/bench/pipeline.json}.
 */
public final class PipelineBenchmark {
    private static final int BATCH = 32;
    private static final CompilationMXBean JIT = ManagementFactory.getCompilationMXBean();

    /** Seconds the encoder alone takes over the texts, in batches of the pipeline's size. */
    static double encodeAlone(Encoder encoder, List<String> texts) {
        long start = System.nanoTime();
        for (int i = 0; i < texts.size(); i += BATCH) {
            encoder.embed(texts.subList(i, Math.min(texts.size(), i + BATCH)));
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /** One round's two windows. */
    record Round(double pipelineRate, double encoderRate, String pipelineCpu, String encoderCpu) {
        double ratio() {
            return pipelineRate / encoderRate;
        }
    }

    public static void main(String[] args) throws Exception {
        int n = 3000;
        int rounds = 3;
        int warmupSeconds = 180;
        int words = 12;
        Integer commitMs = null;
        Integer flushMs = null;
        Integer hnswMinVectors = null;
        int preload = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--texts" -> n = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--warmup-seconds" -> warmupSeconds = Integer.parseInt(args[++i]);
                case "--words" -> words = Integer.parseInt(args[++i]);
                case "--commit-ms" -> commitMs = Integer.parseInt(args[++i]);
                case "--flush-ms" -> flushMs = Integer.parseInt(args[++i]);
                case "--hnsw-min-vectors" -> hnswMinVectors = Integer.parseInt(args[++i]);
                case "--preload" -> preload = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        BenchReport report = BenchReport.of("pipeline");
        System.out.println(report.machine().summary());
        Encoder encoder = EncoderModels.encoder(null, EncoderOptions.defaults());
        List<String> texts = TextCorpus.texts(7L, n, words);
        double tokens = texts.stream().mapToInt(t -> encoder.tokenizer().encode(t, 256).tokenCount()).average().orElse(0);
        List<String> warm = TextCorpus.texts(8L, 1536, words);
        encodeAlone(encoder, warm);
        Path dir = Files.createTempDirectory("semstream-bench");
        AppSettings settings = AppSettings.embedded(dir);
        if (flushMs != null) {
            settings = settings.withEmbedder(settings.embedder().withBatching(BATCH, Duration.ofMillis(flushMs)));
        }
        if (hnswMinVectors != null) {
            settings = settings.withEmbedder(settings.embedder().withGraphBuild(
                    new GraphBuildPolicy(hnswMinVectors, GraphBuildPolicy.defaults().inlineBuildMax())));
        }
        if (commitMs != null) {
            settings = settings.withExtraProperties(Map.of("commit.interval.ms", commitMs));
        }
        List<Round> results = new ArrayList<>();
        String warmUp;
        try (Pipeline app = Pipeline.start(settings, encoder, line -> System.err.println("  " + line))) {
            app.awaitRunning(Duration.ofMinutes(2));
            try (PipelineTraffic traffic = new PipelineTraffic(app)) {
                // A store of this many other texts first, for figures on a larger index.
                List<String> preloadTexts = TextCorpus.texts(9L, preload, words);
                for (int from = 0; from < preload; from += 3000) {
                    List<String> chunk = preloadTexts.subList(from, Math.min(preload, from + 3000));
                    String prefix = "p" + from + "-";
                    double seconds = traffic.streamThrough(prefix, chunk);
                    System.err.printf(Locale.ROOT, "  preloaded %d texts (%.0f texts/s)%n", from + chunk.size(),
                            chunk.size() / seconds);
                }
                // Warm-up: other texts through the pipeline until the JIT has compiled its paths.
                long warmUntil = System.nanoTime() + Duration.ofSeconds(warmupSeconds).toNanos();
                List<String> warmRounds = new ArrayList<>();
                for (int w = 0; w == 0 || System.nanoTime() < warmUntil; w++) {
                    // The same ids every round: upserts, so the store does not grow with the warm-up's length.
                    byte[][] values = traffic.serialise("w-", warm);
                    long jit = JIT.getTotalCompilationTime();
                    double seconds = traffic.streamThrough("w-", values);
                    warmRounds.add(String.format(Locale.ROOT, "%.0f texts/s with %.2f s of JIT compiling",
                            warm.size() / seconds, (JIT.getTotalCompilationTime() - jit) / 1e3));
                    System.err.printf(Locale.ROOT, "  warm-up round %d: %s%n", w + 1, warmRounds.get(w));
                }
                // A freshly started pipeline's speed is the first round's: say it beside the steady state.
                warmUp = String.format(Locale.ROOT, "Warm-up: %d rounds of %d texts; the first %s, the last %s.%n",
                        warmRounds.size(), warm.size(), warmRounds.get(0), warmRounds.get(warmRounds.size() - 1));
                for (int r = 0; r < rounds; r++) {
                    String prefix = "r" + r + "-";
                    byte[][] values = traffic.serialise(prefix, texts);
                    ThreadCpu pipelineCpu = ThreadCpu.start();
                    double pipelineRate = n / traffic.streamThrough(prefix, values);
                    String pipelineReport = pipelineCpu.report();
                    ThreadCpu encoderCpu = ThreadCpu.start();
                    double encoderRate = n / encodeAlone(encoder, texts);
                    Round round = new Round(pipelineRate, encoderRate, pipelineReport, encoderCpu.report());
                    results.add(round);
                    System.err.printf(Locale.ROOT, "  round %d: pipeline %.1f texts/s, encoder alone %.1f texts/s, ratio %.2f%n",
                            r + 1, pipelineRate, encoderRate, round.ratio());
                }
            }
        }
        report.root().put("warmupSeconds", warmupSeconds).put("words", words).put("preload", preload)
                .put("hnswMinVectors", hnswMinVectors == null ? GraphBuildPolicy.defaults().minVectors() : hnswMinVectors);
        print(results, n, tokens, warmUp, preload + warm.size(), report);
    }

    static void print(List<Round> results, int n, double tokens, String warmUp, int stored, BenchReport report) {
        System.out.printf(Locale.ROOT, "%n%d texts of ~%.0f tokens a round, batch %d, exactly once, embedded broker + registry,"
                + " %d texts stored before the first round%n", n, tokens, BATCH, stored);
        System.out.println("| round | pipeline, end to end (texts/s) | encoder alone (texts/s) | ratio |");
        System.out.println("|---|---:|---:|---:|");
        double pipelineSeconds = 0;
        double encoderSeconds = 0;
        List<Double> ratios = new ArrayList<>();
        for (int r = 0; r < results.size(); r++) {
            Round round = results.get(r);
            System.out.printf(Locale.ROOT, "| %d | %.1f | %.1f | %.2f |%n", r + 1, round.pipelineRate(), round.encoderRate(),
                    round.ratio());
            pipelineSeconds += n / round.pipelineRate();
            encoderSeconds += n / round.encoderRate();
            ratios.add(round.ratio());
        }
        ratios.sort(Double::compare);
        double median = ratios.get(ratios.size() / 2);
        double overall = encoderSeconds / pipelineSeconds;
        System.out.printf(Locale.ROOT, "| all | %.1f | %.1f | %.2f (median %.2f) |%n", results.size() * n / pipelineSeconds,
                results.size() * n / encoderSeconds, overall, median);
        System.out.printf(Locale.ROOT, "%n%s", warmUp);
        for (int r = 0; r < results.size(); r++) {
            System.out.printf(Locale.ROOT, "%nRound %d, pipeline window. %s", r + 1, results.get(r).pipelineCpu());
            System.out.printf(Locale.ROOT, "Round %d, encoder-alone window (the pipeline idle beside it). %s", r + 1,
                    results.get(r).encoderCpu());
        }
        report.root().put("texts", n).put("rounds", results.size()).put("meanTokens", BenchReport.round(tokens, 1))
                .put("stored", stored).put("pipeline", BenchReport.round(results.size() * n / pipelineSeconds, 2))
                .put("encoder", BenchReport.round(results.size() * n / encoderSeconds, 2))
                .put("ratio", BenchReport.round(overall, 3)).put("medianRatio", BenchReport.round(median, 3));
        for (int r = 0; r < results.size(); r++) {
            report.addRow().put("round", r + 1).put("pipeline", BenchReport.round(results.get(r).pipelineRate(), 2))
                    .put("encoder", BenchReport.round(results.get(r).encoderRate(), 2))
                    .put("ratio", BenchReport.round(results.get(r).ratio(), 3));
        }
        report.write();
    }
}
