package dev.semstream.bench;

import dev.semstream.kernels.Parallel;
import dev.semstream.model.Encoder;
import dev.semstream.model.EncoderOptions;
import dev.semstream.model.load.EncoderModels;
import dev.semstream.reference.OnnxRuntimeEncoder;
import dev.semstream.reference.TextCorpus;
import dev.semstream.tokenize.Tokenizer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Our encoder and ONNX Runtime side by side, same texts, same machine, same run: sentences per second
 * for short, medium and long texts at batch 1 and batch 32, and the ratio. Both sides go from text to
 * pooled, normalised vector with the same tokenizer; ONNX Runtime pads each batch to its longest text.
 *
 * <p>Run with {@code bench/encoder} (see BENCHMARKS.md). Options: {@code --seconds S} per side per round
 * (default 3), {@code --rounds R} alternating rounds (default 2).
 */
public final class EncoderBenchmark {

    record Row(String name, int words, int batch) {
    }

    record Result(String row, int batch, double meanTokens, double ours, double onnx) {
        double ratio() {
            return ours / onnx;
        }
    }

    public static void main(String[] args) throws IOException {
        double seconds = 3;
        int rounds = 2;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seconds" -> seconds = Double.parseDouble(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Encoder encoder = EncoderModels.encoder(null, EncoderOptions.defaults());
        Tokenizer tokenizer = encoder.tokenizer();
        System.out.printf("semstream encoder %s, kernels %s, %d threads; ONNX Runtime fp32, %d intra-op threads%n",
                encoder.modelId(), dev.semstream.kernels.Kernels.best().name(), Parallel.threads(), Parallel.threads());
        System.out.printf("JVM %s on %s, %d cores%n", Runtime.version(), System.getProperty("os.arch"),
                Runtime.getRuntime().availableProcessors());
        List<Row> rows = List.of(new Row("short", 8, 1), new Row("short", 8, 32),
                new Row("medium", 44, 1), new Row("medium", 44, 32),
                new Row("long", 190, 1), new Row("long", 190, 32));
        List<Result> results = new ArrayList<>();
        try (OnnxRuntimeEncoder onnx = new OnnxRuntimeEncoder(Parallel.threads())) {
            for (Row row : rows) {
                List<String> texts = TextCorpus.texts(row.words() * 1000L + row.batch(), Math.max(64, row.batch() * 4),
                        row.words());
                List<List<String>> batches = new ArrayList<>();
                for (int i = 0; i < texts.size(); i += row.batch()) {
                    batches.add(texts.subList(i, Math.min(texts.size(), i + row.batch())));
                }
                double tokens = texts.stream().mapToInt(t -> tokenizer.encode(t, 256).tokenCount()).average().orElse(0);
                Consumer<List<String>> ours = encoder::embed;
                Consumer<List<String>> theirs = batch -> {
                    int[][] ids = new int[batch.size()][];
                    for (int i = 0; i < ids.length; i++) {
                        ids[i] = tokenizer.encode(batch.get(i), encoder.options().maxTokens()).ids();
                    }
                    onnx.embed(ids);
                };
                // Warm-up: JIT for ours, graph optimisation and arena growth for ONNX Runtime.
                measure(ours, batches, Math.min(2, seconds));
                measure(theirs, batches, Math.min(2, seconds));
                double oursRate = 0;
                double onnxRate = 0;
                for (int r = 0; r < rounds; r++) {
                    oursRate = Math.max(oursRate, measure(ours, batches, seconds));
                    onnxRate = Math.max(onnxRate, measure(theirs, batches, seconds));
                }
                Result res = new Result(row.name(), row.batch(), tokens, oursRate, onnxRate);
                results.add(res);
                System.out.printf(Locale.ROOT, "  %-6s batch %2d (%.0f tokens): semstream %8.1f/s  onnxruntime %8.1f/s  ratio %.2f%n",
                        res.row(), res.batch(), res.meanTokens(), res.ours(), res.onnx(), res.ratio());
            }
        }
        printTable(results);
        writeJson(results, encoder.modelId());
    }

    /** Sentences per second over whole passes through the batches, for at least {@code seconds}. */
    static double measure(Consumer<List<String>> embed, List<List<String>> batches, double seconds) {
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        long start = System.nanoTime();
        long sentences = 0;
        do {
            for (List<String> b : batches) {
                embed.accept(b);
                sentences += b.size();
            }
        } while (System.nanoTime() < deadline);
        return sentences / ((System.nanoTime() - start) / 1e9);
    }

    static void printTable(List<Result> results) {
        System.out.println();
        System.out.println("| texts | tokens | batch | semstream (sent/s) | ONNX Runtime (sent/s) | ratio |");
        System.out.println("|---|---:|---:|---:|---:|---:|");
        for (Result r : results) {
            System.out.printf(Locale.ROOT, "| %s | %.0f | %d | %.1f | %.1f | %.2f |%n",
                    r.row(), r.meanTokens(), r.batch(), r.ours(), r.onnx(), r.ratio());
        }
        System.out.println();
    }

    static void writeJson(List<Result> results, String modelId) {
        BenchReport report = BenchReport.of("encoder");
        report.root().put("model", modelId).put("kernels", dev.semstream.kernels.Kernels.best().name())
                .put("threads", Parallel.threads());
        for (Result r : results) {
            report.addRow().put("texts", r.row()).put("batch", r.batch()).put("meanTokens", BenchReport.round(r.meanTokens(), 1))
                    .put("semstream", BenchReport.round(r.ours(), 2)).put("onnxruntime", BenchReport.round(r.onnx(), 2))
                    .put("ratio", BenchReport.round(r.ratio(), 3));
        }
        report.write();
    }
}
