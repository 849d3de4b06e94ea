package dev.semstream.model;

import dev.semstream.kernels.Kernels;
import dev.semstream.tokenize.Encoding;
import dev.semstream.tokenize.Tokenizer;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Pooling, normalisation, truncation and thread safety of {@link Encoder}, on a tiny random BERT. */
class EncoderTest {
    static final BertConfig CONFIG = TinyBert.config();
    static final BertWeights WEIGHTS = TinyBert.weights(CONFIG, 21);
    /** One token per character (ids 3..), framed by 1 and 2: enough to drive the encoder. */
    static final Tokenizer CHARS = (text, max) -> {
        int body = Math.min(text.length(), max - 2);
        int[] ids = new int[body + 2];
        ids[0] = 1;
        for (int i = 0; i < body; i++) {
            ids[i + 1] = 3 + text.charAt(i) % 40;
        }
        ids[body + 1] = 2;
        return new Encoding(ids, body < text.length());
    };

    static Encoder encoder(EncoderOptions options) {
        return new Encoder("tiny@test", CHARS, new BertEncoderModel(CONFIG, WEIGHTS, Kernels.best()), options);
    }

    @Test
    void meanPoolingAveragesTheTokensThenNormalises() {
        String text = "attention";
        TextVector e = encoder(EncoderOptions.defaults()).embed(text);
        double[][] hidden = ReferenceBert.forward(CONFIG, WEIGHTS, CHARS.encode(text, 40).ids());
        double[] mean = new double[CONFIG.hiddenSize()];
        for (double[] row : hidden) {
            for (int i = 0; i < mean.length; i++) {
                mean[i] += row[i] / hidden.length;
            }
        }
        double norm = Math.sqrt(Arrays.stream(mean).map(v -> v * v).sum());
        for (int i = 0; i < mean.length; i++) {
            assertEquals(mean[i] / norm, e.vector()[i], 1e-5);
        }
        assertEquals(11, e.tokenCount());
        assertFalse(e.truncated());
    }

    @Test
    void theCardsPrefixesGoBeforeQueriesAndPassagesAndItsPoolingAndLengthAreTheDefault() {
        ModelCard card = new ModelCard(Pooling.CLS, true, 12, "q: ", "p: ");
        Encoder carded = new Encoder("tiny@test", CHARS, new BertEncoderModel(CONFIG, WEIGHTS, Kernels.best()), card,
                EncoderOptions.fromCard());
        assertEquals(new EncoderOptions(12, Pooling.CLS, true), carded.options());
        Encoder plain = encoder(new EncoderOptions(12, Pooling.CLS, true));
        String text = "attention";
        assertArrayEquals(plain.embed("q: " + text).vector(), carded.embedQuery(text).vector());
        assertArrayEquals(plain.embed("p: " + text).vector(), carded.embed(text).vector());
        assertArrayEquals(plain.embed(List.of("p: a", "p: bc")).get(1).vector(),
                carded.embed(List.of("a", "bc")).get(1).vector());
        assertFalse(Arrays.equals(carded.embedQuery(text).vector(), carded.embed(text).vector()));
        assertEquals(12, carded.embedQuery(text).tokenCount(), "the prefix counts towards the card's 12 tokens");
        // An explicit choice wins over the card; what it leaves open still comes from the card.
        Encoder chosen = carded.withOptions(EncoderOptions.fromCard().withPooling(Pooling.MEAN));
        assertEquals(new EncoderOptions(12, Pooling.MEAN, true), chosen.options());
        assertArrayEquals(encoder(new EncoderOptions(12, Pooling.MEAN, true)).embed("q: " + text).vector(),
                chosen.embedQuery(text).vector());
    }

    @Test
    void clsPoolingWithoutNormalisationIsTheFirstTokensVector() {
        String text = "query key value";
        TextVector e = encoder(EncoderOptions.defaults().withPooling(Pooling.CLS).withNormalize(false)).embed(text);
        double[][] hidden = ReferenceBert.forward(CONFIG, WEIGHTS, CHARS.encode(text, 40).ids());
        for (int i = 0; i < CONFIG.hiddenSize(); i++) {
            assertEquals(hidden[0][i], e.vector()[i], 2e-4);
        }
    }

    @Test
    void longTextsAreTruncatedAndFlaggedAndMaxTokensNeverPassesThePositions() {
        Encoder enc = encoder(EncoderOptions.defaults()); // 256 asked, the tiny model has 40 positions
        assertEquals(40, enc.options().maxTokens());
        TextVector e = enc.embed("x".repeat(100));
        assertEquals(40, e.tokenCount());
        assertTrue(e.truncated());
        TextVector shortOne = encoder(EncoderOptions.defaults().withMaxTokens(8)).embed("temperature");
        assertEquals(8, shortOne.tokenCount());
        assertTrue(shortOne.truncated());
    }

    @Test
    void chunkAndAverageReadsEveryTokenAndWeighsWindowsByLength() {
        EncoderOptions options = EncoderOptions.defaults().withMaxTokens(10).withNormalize(false)
                .withLongTexts(LongTexts.CHUNK_AVERAGE);
        Encoder enc = encoder(options);
        String text = "abcdefghijklmnopqrst"; // 20 characters: windows of 8 + 8 + 4 body tokens
        TextVector e = enc.embed(text);
        assertFalse(e.truncated());
        assertEquals(10 + 10 + 6, e.tokenCount());
        Encoder plain = encoder(EncoderOptions.defaults().withNormalize(false));
        float[] w1 = plain.embed("abcdefgh").vector();
        float[] w2 = plain.embed("ijklmnop").vector();
        float[] w3 = plain.embed("qrst").vector();
        for (int i = 0; i < w1.length; i++) {
            assertEquals((10 * w1[i] + 10 * w2[i] + 6 * w3[i]) / 26, e.vector()[i], 1e-5);
        }
        // A text that fits is embedded as it is, and batches mix both kinds.
        List<TextVector> both = enc.embed(List.of("short", text));
        assertArrayEquals(encoder(options).embed("short").vector(), both.get(0).vector(), 1e-6f);
        assertArrayEquals(e.vector(), both.get(1).vector(), 1e-6f);
    }

    @Test
    void windowsKeepTheFrameTokensAndCoverTheBodyOnce() {
        int[] ids = {1, 10, 11, 12, 13, 14, 2};
        List<int[]> w = Encoder.windows(ids, 4);
        assertEquals(3, w.size());
        assertArrayEquals(new int[]{1, 10, 11, 2}, w.get(0));
        assertArrayEquals(new int[]{1, 12, 13, 2}, w.get(1));
        assertArrayEquals(new int[]{1, 14, 2}, w.get(2));
    }

    @Test
    void nullTextsAreRefusedWithTheirIndex() {
        Encoder enc = encoder(EncoderOptions.defaults());
        var e = assertThrows(NullPointerException.class, () -> enc.embed(Arrays.asList("a", null)));
        assertTrue(e.getMessage().contains("text 1"), e.getMessage());
        assertThrows(NullPointerException.class, () -> enc.embed((String) null));
        assertEquals(List.of(), enc.embed(List.of()));
    }

    @Test
    void concurrentCallersGetTheSameVectorsAsOneCaller() throws Exception {
        Encoder enc = encoder(EncoderOptions.defaults());
        List<String> texts = List.of("tokens", "embeddings", "causal masking", "cosine vs euclidean", "BERT", "GPT");
        List<TextVector> expected = enc.embed(texts);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<TextVector>>> futures = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                futures.add(pool.submit(() -> enc.embed(texts)));
            }
            for (Future<List<TextVector>> f : futures) {
                List<TextVector> got = f.get(60, TimeUnit.SECONDS);
                for (int i = 0; i < texts.size(); i++) {
                    assertArrayEquals(expected.get(i).vector(), got.get(i).vector(), 1e-6f);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
