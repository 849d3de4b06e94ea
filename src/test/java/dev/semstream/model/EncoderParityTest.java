package dev.semstream.model;

import dev.semstream.kernels.Kernels;
import dev.semstream.kernels.Parallel;
import dev.semstream.model.load.EncoderModels;
import dev.semstream.reference.OnnxRuntimeEncoder;
import dev.semstream.reference.TextCorpus;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Our engine against ONNX Runtime on the same all-MiniLM-L6-v2 ONNX file, same token ids, same
 * pooling: every embedding must have cosine >= 0.99999 and max abs difference <= 1e-4.
 */
class EncoderParityTest {
    static Encoder encoder;
    static OnnxRuntimeEncoder reference;

    @BeforeAll
    static void load() {
        encoder = EncoderModels.encoder(null, EncoderOptions.defaults());
        reference = new OnnxRuntimeEncoder(Parallel.threads());
    }

    @AfterAll
    static void close() {
        reference.close();
    }

    @Test
    void thousandTextsFromOneTo256TokensMatchOnnxRuntime() {
        List<String> texts = TextCorpus.spread(20261129L, 1000, 230);
        checkAgainstReference(encoder, texts, 32);
    }

    @Test
    void scalarKernelsMatchOnnxRuntimeToo() {
        Encoder scalar = EncoderModels.encoder(null, EncoderOptions.defaults(), Kernels.scalar());
        checkAgainstReference(scalar, TextCorpus.spread(7L, 24, 90), 8);
    }

    private static void checkAgainstReference(Encoder enc, List<String> texts, int batch) {
        OnnxRuntimeParity.Figures f = OnnxRuntimeParity.passages(enc, reference, texts, batch);
        if (texts.size() >= 1000) {
            assertTrue(f.minTokens() <= 3 && f.maxTokens() == 256 && f.truncated() > 0,
                    "the corpus must span 1 to 256 tokens and include truncated texts");
        }
    }

    @Test
    void paraphrasesAreCloserThanUnrelatedSentencesUnderBothMetrics() {
        List<String> texts = new ArrayList<>(List.of(
                "The model predicts the next word from a probability distribution.",
                "A language model guesses which word comes next using probabilities.",
                "The recipe needs two cups of flour and a pinch of salt.",
                "Attention lets each token look at the other tokens in the sentence.",
                "With attention, every word can gather information from the rest of the sentence.",
                "The train to Lisbon leaves from platform four at noon."));
        List<TextVector> e = encoder.embed(texts);
        for (int pair : new int[]{0, 3}) {
            float[] a = e.get(pair).vector();
            float[] paraphrase = e.get(pair + 1).vector();
            for (int unrelated : new int[]{2, 5}) {
                float[] u = e.get(unrelated).vector();
                assertTrue(cosine(a, paraphrase) > cosine(a, u) + 0.2,
                        "cosine: '" + texts.get(pair) + "' vs paraphrase and vs '" + texts.get(unrelated) + "'");
                assertTrue(euclidean(a, paraphrase) < euclidean(a, u),
                        "euclidean: '" + texts.get(pair) + "' vs paraphrase and vs '" + texts.get(unrelated) + "'");
            }
        }
    }

    static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    static double euclidean(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return Math.sqrt(s);
    }

    static double maxAbsDiff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }
}
