package dev.semstream.bench;

import dev.semstream.kernels.Parallel;
import dev.semstream.model.Encoder;
import dev.semstream.model.EncoderOptions;
import dev.semstream.model.load.BundledModel;
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
 * (default 3), {@code --rounds R} alternating rounds (default 2), {@code --only TEXT} the rows whose
 * {@code name/batch} contains it (e.g. {@code "exact 250/1"}), {@code --model NAME} a bundled model
 * (all-MiniLM-L6-v2, the default; bge-small-en-v1.5; e5-small-v2), run as its card says on both sides: the
 * passage prefix before every text, ONNX Runtime's output pooled the card's way.
 */
public final class EncoderBenchmark {

    /**
     * A row: texts of about {@code words} words (their lengths vary, so ONNX Runtime pads each batch to its
     * longest), or, when {@code exactTokens} > 0, texts of exactly that many tokens (no padding: the peer's
     * best case).
     */
    record Row(String name, int words, int exactTokens, int batch) {
        static Row mixed(String name, int words, int batch) {
            return new Row(name, words, 0, batch);
        }

        static Row exact(int tokens, int batch) {
            return new Row("exact " + tokens, 0, tokens, batch);
        }

        List<String> texts(Tokenizer tokenizer, int maxTokens) {
            int count = Math.max(64, batch * 4);
            long seed = (words + 7L * exactTokens) * 1000L + batch;
            return exactTokens > 0
                    ? TextCorpus.textsOfTokens(seed, count, exactTokens, t -> tokenizer.encode(t, maxTokens).tokenCount())
                    : TextCorpus.texts(seed, count, words);
        }
    }

    record Result(String row, int batch, double meanTokens, double ours, double onnx) {
        double ratio() {
            return ours / onnx;
        }
    }

    public static void main(String[] args) throws IOException {
        double seconds = 3;
        int rounds = 2;
        String only = null; // e.g. "exact 250/1": rows whose "name/batch" contains it
        String modelName = EncoderModels.DEFAULT_NAME;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seconds" -> seconds = Double.parseDouble(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--only" -> only = args[++i];
                case "--model" -> modelName = args[++i];
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        String name = modelName;
        BundledModel bundled = BundledModel.named(name).orElseThrow(() -> new IllegalArgumentException(
                "--model " + name + " is not one of the bundled models " + BundledModel.names()));
        // The default's 256 tokens for every model, so rows of different models read the same texts.
        Encoder encoder = EncoderModels.named(name, EncoderOptions.fromCard().withMaxTokens(EncoderOptions.DEFAULT_MAX_TOKENS));
        String prefix = encoder.card().passagePrefix();
        Tokenizer tokenizer = encoder.tokenizer();
        System.out.printf("semstream encoder %s, kernels %s, %d threads; ONNX Runtime fp32, %d intra-op threads%n",
                encoder.modelId(), dev.semstream.kernels.Kernels.best().name(), Parallel.threads(), Parallel.threads());
        System.out.printf("JVM %s on %s, %d cores%n", Runtime.version(), System.getProperty("os.arch"),
                Runtime.getRuntime().availableProcessors());
        List<Row> rows = List.of(Row.mixed("short", 8, 1), Row.mixed("short", 8, 32),
                Row.mixed("medium", 44, 1), Row.mixed("medium", 44, 32),
                Row.mixed("long", 190, 1), Row.mixed("long", 190, 32),
                Row.exact(12, 1), Row.exact(12, 32), Row.exact(60, 1), Row.exact(60, 32),
                Row.exact(250, 1), Row.exact(250, 32));
        List<Result> results = new ArrayList<>();
        try (OnnxRuntimeEncoder onnx = new OnnxRuntimeEncoder(bundled, Parallel.threads())) {
            for (Row row : rows) {
                if (only != null && !(row.name() + "/" + row.batch()).contains(only)) {
                    continue;
                }
                List<String> texts = row.texts(tokenizer, encoder.options().maxTokens());
                List<List<String>> batches = new ArrayList<>();
                for (int i = 0; i < texts.size(); i += row.batch()) {
                    batches.add(texts.subList(i, Math.min(texts.size(), i + row.batch())));
                }
                double tokens = texts.stream().mapToInt(t -> tokenizer.encode(prefix + t, encoder.options().maxTokens()).tokenCount()).average().orElse(0);
                Consumer<List<String>> ours = encoder::embed;
                Consumer<List<String>> theirs = batch -> {
                    int[][] ids = new int[batch.size()][];
                    for (int i = 0; i < ids.length; i++) {
                        ids[i] = tokenizer.encode(prefix + batch.get(i), encoder.options().maxTokens()).ids();
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
                System.out.printf(Locale.ROOT, "  %-9s batch %2d (%.0f tokens): semstream %8.1f/s  onnxruntime %8.1f/s  ratio %.2f%n",
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
