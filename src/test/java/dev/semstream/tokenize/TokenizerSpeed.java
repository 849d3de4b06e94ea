package dev.semstream.tokenize;

import dev.semstream.bench.BenchReport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Hand-run throughput check for {@link WordPieceTokenizer} (not a test: timing assertions are
 * flaky). Prints µs per text and tokens per second after JIT warm-up, next to Hugging Face's Rust
 * tokenizer through DJL for scale. Run with {@code bench/tokenizer}; results also in
 * {@code target/bench/tokenizer.json}.
 */
public final class TokenizerSpeed {
    private static final String SHORT = "Kafka Streams joins the click stream with user profiles.";
    private static final String MEDIUM = "Semantic search over a live event stream needs every record turned into a "
            + "vector as it arrives. The pipeline reads text from a Kafka topic, tokenizes it, runs a small "
            + "transformer encoder in the same JVM, and writes the normalized embedding to an output topic, "
            + "where a similarity join can match it against recent records within a sliding window.";
    private static final String LONG = String.join(" ", MEDIUM, MEDIUM.replace("vector", "dense representation"),
            MEDIUM.toUpperCase(Locale.ROOT), "Throughput matters: a tokenizer that allocates per character or "
                    + "runs a regular expression per word can cost more than the matrix multiplications it feeds, "
                    + "so this one walks code points over a char array and looks pieces up in a trie.");
    private static final String NON_ASCII = "Café Zürich: naïve résumé, São Paulo, Ångström, Dvořák, Łódź. "
            + "東京で会議があります。 서울에서 만나요. Привет, мир! Καλημέρα κόσμε. 👍🏽 emoji too.";

    private TokenizerSpeed() {
    }

    public static void main(String[] args) throws IOException {
        WordPieceTokenizer ours = WordPieceTokenizer.fromResource(HuggingFaceReference.MINILM_RESOURCE);
        Path dir = Files.createTempDirectory("tokenizer-speed");
        Path json = HuggingFaceReference.untruncatedCopy(
                HuggingFaceReference.MINILM_RESOURCE, TokenizerJsonVariant.AS_SHIPPED, dir);
        BenchReport report = BenchReport.of("tokenizer");
        System.out.println(report.machine().summary());
        System.out.printf("%-9s %6s %9s %12s %9s %12s%n", "text", "tokens", "ours µs", "ours tok/s", "HF µs", "HF tok/s");
        try (HuggingFaceReference hf = HuggingFaceReference.open(json)) {
            for (String[] named : new String[][] {
                {"short", SHORT}, {"medium", MEDIUM}, {"long", LONG}, {"non-ascii", NON_ASCII}}) {
                String text = named[1];
                int tokens = ours.encode(text, 512).tokenCount();
                double oursMicros = microsPerCall(() -> ours.encode(text, 512).tokenCount());
                double hfMicros = microsPerCall(() -> hf.ids(text).length);
                System.out.printf("%-9s %6d %9.2f %12.0f %9.2f %12.0f%n", named[0], tokens,
                        oursMicros, tokens / oursMicros * 1e6, hfMicros, tokens / hfMicros * 1e6);
                report.addRow().put("text", named[0]).put("tokens", tokens)
                        .put("semstreamMicros", BenchReport.round(oursMicros, 2))
                        .put("huggingFaceMicros", BenchReport.round(hfMicros, 2))
                        .put("ratio", BenchReport.round(hfMicros / oursMicros, 1));
            }
        }
        Files.deleteIfExists(json);
        Files.deleteIfExists(dir);
        report.write();
    }

    /** Median over rounds of about 200 ms each, after two seconds of warm-up. */
    private static double microsPerCall(java.util.function.IntSupplier call) {
        long sink = 0;
        long warmUpEnd = System.nanoTime() + 2_000_000_000L;
        int perRound = 1;
        while (System.nanoTime() < warmUpEnd) {
            long start = System.nanoTime();
            for (int i = 0; i < perRound; i++) {
                sink += call.getAsInt();
            }
            if (System.nanoTime() - start < 200_000_000L) {
                perRound *= 2;
            }
        }
        double[] rounds = new double[9];
        for (int r = 0; r < rounds.length; r++) {
            long start = System.nanoTime();
            for (int i = 0; i < perRound; i++) {
                sink += call.getAsInt();
            }
            rounds[r] = (System.nanoTime() - start) / 1e3 / perRound;
        }
        if (sink == 42) {
            System.out.print(""); // keeps the JIT from discarding the calls
        }
        Arrays.sort(rounds);
        return rounds[rounds.length / 2];
    }
}
