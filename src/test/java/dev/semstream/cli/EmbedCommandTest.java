package dev.semstream.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.semstream.model.Encoder;
import dev.semstream.model.EncoderOptions;
import dev.semstream.model.LongTexts;
import dev.semstream.model.Pooling;
import dev.semstream.model.load.EncoderModels;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code semstream embed} end to end, in process, on injected streams and the bundled model. */
class EmbedCommandTest {
    private static final Pattern MODEL_ID = Pattern.compile("all-MiniLM-L6-v2@[0-9a-f]{12}");
    private static final Set<String> FIELDS = Set.of("text", "tokens", "truncated", "model", "dimensions", "vector");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] NO_STDIN = new byte[0];
    private static final String LONG_TEXT = "Streaming embeddings turn every record of a topic into a vector "
            + "that a similarity index can search moments after the record was written.";

    /** Loaded once: each run shares its weights, with the options that run asks for. */
    private static Encoder bundled;

    @BeforeAll
    static void loadTheBundledModelOnce() {
        bundled = EncoderModels.encoder(null, EncoderOptions.defaults());
    }

    @Test
    void eachArgumentBecomesOneJsonLine() {
        // Through the public entry point and the real model loader, as the launcher runs it.
        Run run = Run.of(new ByteArrayInputStream(NO_STDIN),
                (in, out, err) -> Main.run(in, out, err, "embed", "hello world", LONG_TEXT));

        List<JsonNode> lines = run.assertSuccess();
        assertEquals(2, lines.size());
        assertEmbedding(lines.get(0), "hello world", EncoderOptions.defaults());
        assertEmbedding(lines.get(1), LONG_TEXT, EncoderOptions.defaults());
        assertEquals(bundled.modelId(), lines.get(0).get("model").asText());
    }

    @Test
    void aBundledModelsNameIsPassedOnAndUnsetPoolingAndLengthAreLeftToItsCard() {
        List<String> models = new ArrayList<>();
        List<EncoderOptions> asked = new ArrayList<>();
        BiFunction<String, EncoderOptions, Encoder> recording = (model, options) -> {
            models.add(model);
            asked.add(options);
            return bundled.withOptions(options);
        };
        for (String[] args : List.of(new String[]{"--model", "e5-small-v2", "hi"},
                new String[]{"--model", "bge-small-en-v1.5", "--pooling", "mean", "--max-tokens", "100", "hi"})) {
            String[] line = Stream.concat(Stream.of("embed"), Stream.of(args)).toArray(String[]::new);
            Run.of(new ByteArrayInputStream(NO_STDIN), (in, out, err) -> new Main(in, out, err, recording).execute(line))
                    .assertSuccess();
        }
        assertEquals(List.of("e5-small-v2", "bge-small-en-v1.5"), models);
        assertEquals(EncoderOptions.fromCard(), asked.get(0));
        assertEquals(new EncoderOptions(100, Pooling.MEAN, true), asked.get(1));
    }

    @Test
    void stdinLinesComeOutInOrderEmptyOnesIncluded() {
        // Batches of two, so the three lines also cross a batch boundary.
        Run run = embed("first line\n\nthird line\n", "--batch-size", "2");

        List<JsonNode> lines = run.assertSuccess();
        assertEquals(3, lines.size());
        assertEmbedding(lines.get(0), "first line", EncoderOptions.defaults());
        assertEmbedding(lines.get(1), "", EncoderOptions.defaults());
        assertEmbedding(lines.get(2), "third line", EncoderOptions.defaults());
        assertEquals(2, lines.get(1).get("tokens").asInt(), "[CLS] [SEP] alone");
    }

    @Test
    void longTextIsTruncatedAndFlagged() {
        Run run = embed("", "--max-tokens", "8", LONG_TEXT);

        JsonNode line = single(run.assertSuccess());
        assertTrue(line.get("truncated").asBoolean());
        assertEquals(8, line.get("tokens").asInt());
        assertEmbedding(line, LONG_TEXT, EncoderOptions.defaults().withMaxTokens(8));
    }

    @Test
    void chunkAverageReadsTheWholeLongText() {
        Run run = embed("", "--max-tokens", "8", "--long-texts", "chunk_average", LONG_TEXT);

        JsonNode line = single(run.assertSuccess());
        assertFalse(line.get("truncated").asBoolean());
        assertTrue(line.get("tokens").asInt() > 8, "every window's tokens count");
        assertEmbedding(line, LONG_TEXT, EncoderOptions.defaults().withMaxTokens(8)
                .withLongTexts(LongTexts.CHUNK_AVERAGE));
    }

    @Test
    void clsPoolingWithoutNormalisingGivesTheRawClsVector() {
        Run run = embed("", "--pooling", "cls", "--no-normalize", "hello world");

        JsonNode line = single(run.assertSuccess());
        double norm = Math.sqrt(sumOfSquares(vector(line)));
        assertTrue(Math.abs(norm - 1) > 0.01, "norm " + norm + " should not be 1");
        assertEmbedding(line, "hello world", new EncoderOptions(256, Pooling.CLS, false));
    }

    @Test
    void invalidUtf8FailsNamingTheLineAndKeepsTheLinesBeforeIt() {
        byte[] stdin = concat("good one\ngood two\n".getBytes(StandardCharsets.UTF_8),
                new byte[]{'b', 'a', 'd', (byte) 0xC3, '(', '\n'},
                "never read\n".getBytes(StandardCharsets.UTF_8));
        Run run = embed(stdin);

        assertEquals(1, run.exitCode, run.stderr);
        assertTrue(run.stderr.startsWith("semstream: stdin line 3 is not valid UTF-8"), run.stderr);
        List<JsonNode> lines = run.jsonLines(); // complete lines only, or this fails
        assertEquals(List.of("good one", "good two"), texts(lines));
    }

    @Test
    void maxTokensBelowTwoIsAUsageError() {
        Run run = embed("", "--max-tokens", "1", "x");

        assertEquals(2, run.exitCode, run.stderr);
        assertTrue(run.stderr.contains("--max-tokens must be at least 2, got 1"), run.stderr);
        assertEquals("", run.stdoutText());
    }

    @Test
    void unknownPoolingIsAUsageError() {
        Run run = embed("", "--pooling", "bogus", "x");

        assertEquals(2, run.exitCode, run.stderr);
        assertTrue(run.stderr.contains("bogus"), run.stderr);
        assertTrue(run.stderr.contains("MEAN") && run.stderr.contains("CLS"), "lists the valid modes: " + run.stderr);
        assertEquals("", run.stdoutText());
    }

    @Test
    void missingModelDirectoryFailsNamingIt() {
        Run run = Run.of(new ByteArrayInputStream(NO_STDIN),
                (in, out, err) -> Main.run(in, out, err, "embed", "--model", "/nonexistent", "x"));

        assertEquals(1, run.exitCode, run.stderr);
        assertTrue(run.stderr.startsWith("semstream: "), run.stderr);
        assertTrue(run.stderr.contains("/nonexistent"), run.stderr);
        assertEquals("", run.stdoutText());
    }

    @Test
    void modelDirectoryWithoutConfigFailsNamingTheFile(@TempDir Path dir) {
        Run run = embed("", "--model", dir.toString(), "x");

        assertEquals(1, run.exitCode, run.stderr);
        assertTrue(run.stderr.contains(dir.resolve("config.json").toString()), run.stderr);
        assertEquals("", run.stdoutText());
    }

    /** Every field there, and the values the encoder computes for this text with these options. */
    private static void assertEmbedding(JsonNode line, String text, EncoderOptions options) {
        Set<String> fields = new TreeSet<>();
        line.fieldNames().forEachRemaining(fields::add);
        assertEquals(new TreeSet<>(FIELDS), fields);
        assertEquals(text, line.get("text").asText());
        assertTrue(MODEL_ID.matcher(line.get("model").asText()).matches(), line.get("model").asText());
        assertEquals(384, line.get("dimensions").asInt());

        Encoder encoder = bundled.withOptions(options);
        var direct = encoder.embed(text);
        assertEquals(direct.tokenCount(), line.get("tokens").asInt(), "tokens of " + text);
        assertEquals(direct.truncated(), line.get("truncated").asBoolean(), "truncated of " + text);
        if (options.longTexts() == LongTexts.TRUNCATE) {
            var encoding = encoder.tokenizer().encode(text, options.maxTokens());
            assertEquals(encoding.tokenCount(), line.get("tokens").asInt(), "the tokenizer's count for " + text);
        }

        float[] vector = vector(line);
        assertEquals(384, vector.length);
        if (options.normalize()) {
            assertEquals(1.0, Math.sqrt(sumOfSquares(vector)), 1e-5, "unit norm");
        }
        float[] expected = direct.vector();
        for (int i = 0; i < vector.length; i++) {
            assertEquals(expected[i], vector[i], 1e-5f, "vector[" + i + "] of " + text);
        }
    }

    private static Run embed(String stdin, String... args) {
        return embed(stdin.getBytes(StandardCharsets.UTF_8), args);
    }

    /** Runs {@code semstream embed ARGS} in process, on the model loaded once for the class. */
    private static Run embed(byte[] stdin, String... args) {
        String[] line = Stream.concat(Stream.of("embed"), Stream.of(args)).toArray(String[]::new);
        return Run.of(new ByteArrayInputStream(stdin), (in, out, err) -> new Main(in, out, err,
                (model, options) -> model == null ? bundled.withOptions(options) : EncoderModels.named(model, options))
                .execute(line));
    }

    private static JsonNode single(List<JsonNode> lines) {
        assertEquals(1, lines.size());
        return lines.get(0);
    }

    private static List<String> texts(List<JsonNode> lines) {
        return lines.stream().map(l -> l.get("text").asText()).toList();
    }

    private static float[] vector(JsonNode line) {
        JsonNode array = line.get("vector");
        float[] v = new float[array.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) array.get(i).asDouble();
        }
        return v;
    }

    private static double sumOfSquares(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += (double) x * x;
        }
        return sum;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** What one run left behind: its exit code, the raw bytes of stdout, and stderr as text. */
    private record Run(int exitCode, byte[] stdout, String stderr) {
        interface Command {
            int run(ByteArrayInputStream in, PrintStream out, PrintStream err);
        }

        static Run of(ByteArrayInputStream in, Command command) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = command.run(in, new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8));
            return new Run(code, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
        }

        String stdoutText() {
            return new String(stdout, StandardCharsets.UTF_8);
        }

        /** Exit 0, nothing on stderr, and stdout nothing but JSON lines. */
        List<JsonNode> assertSuccess() {
            assertEquals(0, exitCode, stderr);
            assertEquals("", stderr);
            return jsonLines();
        }

        /** Stdout as JSON objects, one per line; fails on anything else, a partial last line included. */
        List<JsonNode> jsonLines() {
            String text = stdoutText();
            assertTrue(text.isEmpty() || text.endsWith("\n"), "stdout ends mid-line: " + text);
            List<JsonNode> lines = new ArrayList<>();
            for (Iterator<String> it = text.lines().iterator(); it.hasNext(); ) {
                String line = it.next();
                try {
                    JsonNode node = JSON.readTree(line);
                    assertTrue(node != null && node.isObject(), "not a JSON object: " + line);
                    lines.add(node);
                } catch (IOException e) {
                    throw new UncheckedIOException("not JSON: " + line, e);
                }
            }
            return lines;
        }
    }
}
