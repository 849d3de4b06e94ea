package dev.semstream.model;

import dev.semstream.kernels.Kernels;
import dev.semstream.tokenize.ByteLevelBpeTokenizer;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The generation loop on a tiny random model whose output is steered to lowercase letters (every other
 * token's embedding is shrunk), so completions are readable text a test can cut stop sequences from.
 */
class TextGeneratorTest {
    private static final GptConfig CONFIG = TinyGpt.configWithTokenizer();
    @TempDir
    static Path dir;
    private static ByteLevelBpeTokenizer tokenizer;
    private static GptModel model;
    private static TextGenerator generator;

    @BeforeAll
    static void setUp() {
        TinyGpt.writeTokenizer(dir);
        tokenizer = ByteLevelBpeTokenizer.read(dir);
        GptWeights w = TinyGpt.weights(CONFIG, 17);
        int d = CONFIG.dim();
        for (int v = 0; v < CONFIG.vocabSize(); v++) {
            if (!isLetters(tokenizer.tokenBytes(v))) {
                for (int j = 0; j < d; j++) {
                    w.tokenEmbeddings()[v * d + j] *= 0.01f;
                }
            }
        }
        model = new GptModel(CONFIG, w, Kernels.best());
        generator = new TextGenerator("tiny@000000000000", model, tokenizer);
    }

    private static boolean isLetters(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 'a' || b > 'z') {
                return false;
            }
        }
        return bytes.length > 0;
    }

    private static GenerationParams greedy(int maxTokens) {
        return GenerationParams.defaults().withTemperature(0f).withMaxTokens(maxTokens);
    }

    /** The greedy continuation computed step by step here, independently of the generator's loop. */
    private static List<String> greedyTokens(String prompt, int n) {
        KvCache cache = model.newCache(CONFIG.contextLength());
        float[] logits = model.append(cache, tokenizer.encode(prompt));
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int best = 0;
            for (int v = 1; v < logits.length; v++) {
                if (logits[v] > logits[best]) {
                    best = v;
                }
            }
            out.add(new String(tokenizer.tokenBytes(best), StandardCharsets.UTF_8));
            logits = model.append(cache, new int[]{best});
        }
        return out;
    }

    @Test
    void greedyCompletionIsTheArgmaxChainAndStopsAtMaxTokens() {
        GenerationResult r = generator.generate("the answer is", greedy(20));
        List<String> expected = greedyTokens("the answer is", 20);
        assertEquals(String.join("", expected), r.text());
        assertTrue(r.text().chars().allMatch(c -> c >= 'a' && c <= 'z'), r.text());
        assertEquals(GenerationEnd.LENGTH, r.finishReason());
        assertEquals(tokenizer.encode("the answer is").length, r.promptTokens());
        assertEquals(20, r.completionTokens());
        assertTrue(r.prefillMillis() > 0 && r.generationMillis() > 0 && r.tokensPerSecond() > 0, r.toString());
    }

    @Test
    void aStopSequenceSplitAcrossTokensEndsTheTextJustBeforeIt() {
        List<String> tokens = greedyTokens("on the", 30);
        String text = String.join("", tokens);
        // A stop made of the last letter of one token and the first two letters of the next ones, whose
        // first occurrence in the text is exactly there: it only appears once both tokens have arrived.
        int boundary = 0;
        for (int t = 0; t < 20; t++) {
            boundary += tokens.get(t).length();
            String stop = text.substring(boundary - 1, Math.min(text.length(), boundary + 2));
            if (text.indexOf(stop) == boundary - 1 && tokens.get(t + 1).length() < stop.length()) {
                GenerationResult r = generator.generate("on the", greedy(30).withStopSequences(List.of("zzzz", stop)));
                assertEquals(text.substring(0, boundary - 1), r.text());
                assertEquals(GenerationEnd.STOP, r.finishReason());
                int needed = t + 2;
                while (!String.join("", tokens.subList(0, needed)).contains(stop)) {
                    needed++;
                }
                assertEquals(needed, r.completionTokens(), "tokens up to the one that completed the stop");
                return;
            }
        }
        throw new AssertionError("no stop candidate spanning two tokens in " + tokens);
    }

    @Test
    void theEarliestOfSeveralStopSequencesWins() {
        String text = String.join("", greedyTokens("in", 30));
        String late = text.substring(20, 23);
        String early = text.substring(5, 7);
        GenerationResult r = generator.generate("in", greedy(30).withStopSequences(List.of(late, early)));
        assertEquals(text.substring(0, Math.min(text.indexOf(early), text.indexOf(late))), r.text());
        assertEquals(GenerationEnd.STOP, r.finishReason());
    }

    @Test
    void theSameSeedRepeatsACompletionAndTheResultReportsTheSeed() {
        GenerationParams sampled = GenerationParams.defaults().withTemperature(1.5f).withTopK(0).withMaxTokens(40);
        GenerationResult a = generator.generate("re", sampled.withSeed(7));
        GenerationResult b = generator.generate("re", sampled.withSeed(7));
        GenerationResult c = generator.generate("re", sampled.withSeed(8));
        assertEquals(a.text(), b.text());
        assertEquals(7, a.seed());
        assertNotEquals(a.text(), c.text());
        GenerationResult unseeded = generator.generate("re", sampled);
        assertEquals(unseeded.text(), generator.generate("re", sampled.withSeed(unseeded.seed())).text(),
                "the reported seed of an unseeded request repeats it");
    }

    @Test
    void theEndOfTextTokenEndsTheCompletionAndIsNotInIt() {
        // ln_f with gamma 0 and beta along wte[eot]: every position's logits favour end-of-text.
        GptWeights w = TinyGpt.weights(CONFIG, 5);
        int d = CONFIG.dim();
        int eot = tokenizer.endOfTextId();
        for (int j = 0; j < d; j++) {
            w.tokenEmbeddings()[eot * d + j] *= 5;
            w.finalNorm().gamma()[j] = 0;
            w.finalNorm().beta()[j] = w.tokenEmbeddings()[eot * d + j];
        }
        TextGenerator g = new TextGenerator("eot@0", new GptModel(CONFIG, w, Kernels.best()), tokenizer);
        GenerationResult r = g.generate("hello", greedy(10));
        assertEquals("", r.text());
        assertEquals(0, r.completionTokens());
        assertEquals(GenerationEnd.END_OF_TEXT, r.finishReason());
        assertEquals(0, r.tokensPerSecond());
    }

    @Test
    void promptsUpToTheContextLengthRunAndLongerOnesAreRefused() {
        int n = CONFIG.contextLength();
        // "x" has no merges here: one token per character.
        GenerationResult full = generator.generate("x".repeat(n), greedy(10));
        assertEquals(n, full.promptTokens());
        assertEquals(1, full.completionTokens(), "the last logits still give one token");
        assertEquals(GenerationEnd.LENGTH, full.finishReason());
        GenerationResult nearlyFull = generator.generate("x".repeat(n - 3), greedy(10));
        assertEquals(4, nearlyFull.completionTokens());
        PromptTooLongException e = assertThrows(PromptTooLongException.class,
                () -> generator.generate("x".repeat(n + 1), greedy(10)));
        assertEquals(n + 1, e.promptTokens());
        assertEquals(n, e.contextLength());
        assertTrue(e.getMessage().contains("65 tokens long") && e.getMessage().contains("context length of 64"),
                e.getMessage());
    }

    @Test
    void anEmptyPromptStartsFromEndOfText() {
        GenerationResult r = generator.generate("", greedy(5));
        assertEquals(1, r.promptTokens());
        assertEquals(5, r.completionTokens());
    }

    @Test
    void invalidParametersAreClearErrors() {
        GenerationParams ok = GenerationParams.defaults();
        assertMessage(() -> ok.withTemperature(-0.5f), "temperature");
        assertMessage(() -> ok.withTemperature(Float.NaN), "temperature");
        assertMessage(() -> ok.withTopK(-1), "topK");
        assertMessage(() -> ok.withTopP(0f), "topP");
        assertMessage(() -> ok.withTopP(1.5f), "topP");
        assertMessage(() -> ok.withMaxTokens(0), "maxTokens");
        assertMessage(() -> ok.withStopSequences(List.of("")), "stop sequence");
    }

    private static void assertMessage(Runnable r, String part) {
        GenerationRequestException e = assertThrows(GenerationRequestException.class, r::run);
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }

    @Test
    void aCharacterSplitAcrossTokensAppearsOnlyWhenComplete() {
        byte[] euro = "a€".getBytes(StandardCharsets.UTF_8);
        assertEquals("a", TextGenerator.completeUtf8(java.util.Arrays.copyOf(euro, 2)));
        assertEquals("a", TextGenerator.completeUtf8(java.util.Arrays.copyOf(euro, 3)));
        assertEquals("a€", TextGenerator.completeUtf8(euro));
        assertEquals("a\uFFFD", TextGenerator.completeUtf8(new byte[]{'a', (byte) 0x80}), "a stray continuation byte");
        byte[] emoji = "😀".getBytes(StandardCharsets.UTF_8);
        assertEquals("", TextGenerator.completeUtf8(java.util.Arrays.copyOf(emoji, 3)));
        assertEquals("😀", TextGenerator.completeUtf8(emoji));
    }
}
