package dev.semstream.train;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Hand-run throughput check for {@link BpeTrainer} (not a test: timing assertions are flaky). Trains on the
 * given corpus files (documents joined by {@code <|endoftext|>}, as {@code model/prepare-corpus} writes them;
 * default target/corpus/kjv.txt) at each vocabulary size and prints MB/s of UTF-8 text, with the time split
 * between counting pre-tokens and learning merges. A first untimed run warms the JIT.
 * {@code bench/run-main dev.semstream.train.BpeTrainingSpeed [FILE...] [--vocab 4096,8192]}
 */
public final class BpeTrainingSpeed {
    private BpeTrainingSpeed() {
    }

    public static void main(String[] args) throws IOException {
        List<Path> files = new ArrayList<>();
        int[] vocabs = {4096, 8192};
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--vocab")) {
                vocabs = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
            } else {
                files.add(Path.of(args[i]));
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
        System.out.printf("%s: %.2f MB, %d documents, %d cores%n", files, mb, documents.size(),
                Runtime.getRuntime().availableProcessors());
        BpeTrainer.train(documents, vocabs[0]);
        for (int vocab : vocabs) {
            long t0 = System.nanoTime();
            Map<String, Long> counts = PreTokenCounts.count(documents);
            long t1 = System.nanoTime();
            MergeLearner learner = MergeLearner.learn(counts, vocab - 1);
            long t2 = System.nanoTime();
            TrainedBpe trained = BpeTrainer.train(documents, vocab);
            long t3 = System.nanoTime();
            System.out.printf("vocab %5d: train %.2f s = %.1f MB/s (count %.2f s on %d distinct pre-tokens, merges"
                            + " %.2f s, %d skipped); %d merges%n", vocab, (t3 - t2) / 1e9, mb / ((t3 - t2) / 1e9),
                    (t1 - t0) / 1e9, counts.size(), (t2 - t1) / 1e9, learner.skipped(), trained.mergeCount());
        }
    }
}
