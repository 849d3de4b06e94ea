package dev.semstream.train;

import dev.semstream.bench.BenchReport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Hand-run throughput check for {@link BpeTrainer} (not a test: timing assertions are flaky). Trains on corpus
 * files (documents joined by {@code <|endoftext|>}, as {@code model/prepare-corpus} writes them) at each
 * vocabulary size and prints MB/s of UTF-8 text, the median of a few rounds after an untimed one, with the
 * time split between counting pre-tokens (all cores) and learning merges (one thread). Run with
 * {@code bench/bpe-train [FILE...] [--vocab 4096,8192] [--rounds 3]}; results also in
 * {@code target/bench/bpe-train.json}.
 */
public final class BpeTrainingSpeed {
    private BpeTrainingSpeed() {
    }

    public static void main(String[] args) throws IOException {
        List<Path> files = new ArrayList<>();
        int[] vocabs = {4096, 8192};
        int rounds = 3;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--vocab" -> vocabs = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                default -> files.add(Path.of(args[i]));
            }
        }
        if (files.isEmpty()) {
            files.add(Path.of("target/corpus/kjv.txt"));
        }
        List<String> documents = new ArrayList<>();
        long bytes = 0;
        for (Path f : files) {
            String text = Files.readString(f, StandardCharsets.UTF_8);
            bytes += text.getBytes(StandardCharsets.UTF_8).length;
            documents.addAll(Arrays.asList(text.split("<\\|endoftext\\|>", -1)));
        }
        double mb = bytes / 1e6;
        BenchReport report = BenchReport.of("bpe-train");
        System.out.println(report.machine().summary());
        System.out.printf("%s: %.2f MB, %d documents%n", files, mb, documents.size());
        report.root().put("corpus", files.toString()).put("megabytes", BenchReport.round(mb, 2))
                .put("documents", documents.size()).put("rounds", rounds);
        BpeTrainer.train(documents, vocabs[0]);
        System.out.printf("%6s %9s %8s %9s %9s %10s%n", "vocab", "train s", "MB/s", "count s", "merges s", "pre-tokens");
        for (int vocab : vocabs) {
            double[] train = new double[rounds];
            double[] count = new double[rounds];
            double[] merge = new double[rounds];
            int distinct = 0;
            for (int r = 0; r < rounds; r++) {
                long t0 = System.nanoTime();
                BpeTrainer.train(documents, vocab);
                long t1 = System.nanoTime();
                Map<String, Long> counts = PreTokenCounts.count(documents);
                long t2 = System.nanoTime();
                MergeLearner.learn(counts, vocab - 1);
                long t3 = System.nanoTime();
                train[r] = (t1 - t0) / 1e9;
                count[r] = (t2 - t1) / 1e9;
                merge[r] = (t3 - t2) / 1e9;
                distinct = counts.size();
            }
            double seconds = median(train);
            System.out.printf("%6d %9.2f %8.1f %9.2f %9.2f %10d%n", vocab, seconds, mb / seconds, median(count),
                    median(merge), distinct);
            report.addRow().put("vocab", vocab).put("seconds", BenchReport.round(seconds, 3))
                    .put("megabytesPerSecond", BenchReport.round(mb / seconds, 1))
                    .put("countSeconds", BenchReport.round(median(count), 3))
                    .put("mergeSeconds", BenchReport.round(median(merge), 3)).put("distinctPreTokens", distinct);
        }
        report.write();
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
