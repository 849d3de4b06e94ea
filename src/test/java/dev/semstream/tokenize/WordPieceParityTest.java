package dev.semstream.tokenize;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Our ids against Hugging Face's (Rust, through DJL) for the all-MiniLM-L6-v2 tokenizer.json and
 * edited variants of it, on a few thousand deterministic strings covering every input family the
 * pipeline treats specially.
 */
class WordPieceParityTest {
    private static final int RANDOM_STRINGS = 3000;
    private static final long SEED = 20240501L;
    private static final int SEP = 102;

    @TempDir
    static Path dir;

    private static HuggingFaceReference reference;
    private static WordPieceTokenizer ours;
    private static List<String> corpus;

    @BeforeAll
    static void load() throws IOException {
        Path json = HuggingFaceReference.untruncatedCopy(
                HuggingFaceReference.MINILM_RESOURCE, TokenizerJsonVariant.AS_SHIPPED, dir);
        reference = HuggingFaceReference.open(json);
        ours = WordPieceTokenizer.fromJson(json);
        corpus = ParityCorpus.strings(RANDOM_STRINGS, SEED);
    }

    @AfterAll
    static void close() {
        if (reference != null) {
            reference.close();
        }
    }

    @Test
    void corpusIsLargeEnough() {
        assertTrue(corpus.size() >= 2000, "corpus has only " + corpus.size() + " strings");
    }

    @ParameterizedTest
    @EnumSource(TokenizerJsonVariant.class)
    void fullIdsMatchHuggingFace(TokenizerJsonVariant variant) throws IOException {
        Path json = HuggingFaceReference.untruncatedCopy(HuggingFaceReference.MINILM_RESOURCE, variant, dir);
        WordPieceTokenizer candidate = WordPieceTokenizer.fromJson(json);
        StringBuilder report = new StringBuilder();
        int mismatches = 0;
        try (HuggingFaceReference hf = HuggingFaceReference.open(json)) {
            for (String text : corpus) {
                int[] expected = hf.ids(text);
                int[] actual = candidate.encode(text, Integer.MAX_VALUE).ids();
                if (!Arrays.equals(expected, actual)) {
                    mismatches++;
                    report.append(describe(text, expected, actual));
                }
            }
        }
        System.out.printf("parity %s: %d of %d strings give identical ids%n",
                variant, corpus.size() - mismatches, corpus.size());
        System.out.print(report);
        assertEquals(0, mismatches, variant + ": " + mismatches + " of " + corpus.size() + " strings differ:\n" + report);
    }

    /** Truncated ids must be HF's first maxTokens - 1 ids followed by [SEP]. */
    @ParameterizedTest
    @ValueSource(ints = {2, 3, 8, 16, 256})
    void truncationKeepsHuggingFacePrefixThenSep(int maxTokens) {
        StringBuilder report = new StringBuilder();
        int mismatches = 0;
        int truncatedCount = 0;
        for (String text : corpus) {
            int[] full = reference.ids(text);
            boolean shouldTruncate = full.length > maxTokens;
            int[] expected = full;
            if (shouldTruncate) {
                expected = Arrays.copyOf(full, maxTokens);
                expected[maxTokens - 1] = SEP;
                truncatedCount++;
            }
            Encoding actual = ours.encode(text, maxTokens);
            if (!Arrays.equals(expected, actual.ids()) || actual.truncated() != shouldTruncate) {
                mismatches++;
                report.append("truncated=").append(actual.truncated()).append(", expected ").append(shouldTruncate)
                        .append('\n').append(describe(text, expected, actual.ids()));
            }
        }
        System.out.printf("truncation at %d: %d of %d strings identical (%d truncated)%n",
                maxTokens, corpus.size() - mismatches, corpus.size(), truncatedCount);
        assertEquals(0, mismatches, "maxTokens " + maxTokens + ":\n" + report);
        assertTrue(truncatedCount > 0, "no string was long enough to truncate at " + maxTokens);
    }

    @Test
    void classpathResourceLoadsTheSameTokenizer() {
        WordPieceTokenizer fromResource = WordPieceTokenizer.fromResource(HuggingFaceReference.MINILM_RESOURCE);
        for (String text : corpus.subList(0, 200)) {
            assertArrayEquals(ours.encode(text, 512).ids(), fromResource.encode(text, 512).ids(), escape(text));
        }
    }

    /** One shared instance, many threads: every thread must see exactly the single-threaded ids. */
    @Test
    void sharedInstanceGivesTheSameIdsFromManyThreads() throws Exception {
        List<int[]> expected = new ArrayList<>();
        for (String text : corpus) {
            expected.add(ours.encode(text, 128).ids());
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<Integer>> workers = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                int offset = w * 97;
                workers.add(() -> {
                    int checked = 0;
                    for (int i = 0; i < corpus.size(); i++) {
                        int k = (i + offset) % corpus.size(); // threads walk the corpus out of step
                        assertArrayEquals(expected.get(k), ours.encode(corpus.get(k), 128).ids(), escape(corpus.get(k)));
                        checked++;
                    }
                    return checked;
                });
            }
            for (Future<Integer> done : pool.invokeAll(workers)) {
                assertEquals(corpus.size(), done.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static String describe(String text, int[] expected, int[] actual) {
        return "  text:     \"" + escape(text) + "\"\n"
                + "  expected: " + Arrays.toString(expected) + " " + tokens(expected) + "\n"
                + "  actual:   " + Arrays.toString(actual) + " " + tokens(actual) + "\n";
    }

    private static String tokens(int[] ids) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < ids.length; i++) {
            sb.append(i == 0 ? "" : " ").append(escape(ours.tokenOf(ids[i]).orElse("?")));
        }
        return sb.append(']').toString();
    }

    /** Printable ASCII as is, everything else as \\uXXXX (or \\u{XXXXX} for astral code points). */
    static String escape(String text) {
        StringBuilder sb = new StringBuilder();
        text.codePoints().forEach(cp -> {
            if (cp >= 0x20 && cp < 0x7F && cp != '\\' && cp != '"') {
                sb.append((char) cp);
            } else if (cp < 0x10000) {
                sb.append(String.format("\\u%04X", cp));
            } else {
                sb.append(String.format("\\u{%X}", cp));
            }
        });
        return sb.toString();
    }
}
