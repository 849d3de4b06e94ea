package dev.semstream.model;

import dev.semstream.kernels.Parallel;
import dev.semstream.model.load.BundledModel;
import dev.semstream.model.load.EncoderModels;
import dev.semstream.reference.OnnxRuntimeEncoder;
import dev.semstream.reference.TextCorpus;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A bundled model other than the default, loaded by its {@code --model} name: it runs as its card says
 * (pooling, length, prefixes) and matches ONNX Runtime on the same file, pooled the card's way, with the
 * prefixes on both sides. One subclass per model, so each ~130 MB model is loaded once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class BundledEncoderContract {
    private Encoder encoder;
    private OnnxRuntimeEncoder reference;

    abstract BundledModel model();

    /** The model's card as written on its model page, restated here so a slip in the card is caught. */
    abstract ModelCard expectedCard();

    @BeforeAll
    void load() {
        encoder = EncoderModels.named(model().modelName(), EncoderOptions.fromCard());
        reference = new OnnxRuntimeEncoder(model(), Parallel.threads());
    }

    @AfterAll
    void close() {
        if (reference != null) {
            reference.close();
        }
    }

    @Test
    void theNameLoadsTheBundledModelWithItsCard() {
        assertTrue(encoder.modelId().matches(model().modelName().replace(".", "\\.") + "@[0-9a-f]{12}"),
                encoder.modelId());
        assertEquals(384, encoder.dimensions());
        assertEquals(expectedCard(), encoder.card());
        assertEquals(new EncoderOptions(512, expectedCard().pooling(), true), encoder.options());
    }

    @Test
    void anExplicitPoolingOrLengthWinsOverTheCard() {
        Pooling other = expectedCard().pooling() == Pooling.CLS ? Pooling.MEAN : Pooling.CLS;
        Encoder chosen = encoder.withOptions(EncoderOptions.fromCard().withPooling(other).withMaxTokens(64));
        assertEquals(other, chosen.options().pooling());
        assertEquals(64, chosen.options().maxTokens());
        String text = "Attention lets each token look at the other tokens in the sentence.";
        assertFalse(Arrays.equals(encoder.embed(text).vector(), chosen.embed(text).vector()));
    }

    @Test
    void aQueryGetsTheQueryPrefixAndAPassageThePassagePrefix() {
        String text = "how does attention weigh the tokens";
        TextVector query = encoder.embedQuery(text);
        TextVector passage = encoder.embed(text);
        assertFalse(Arrays.equals(query.vector(), passage.vector()), "query and passage vectors are equal");
        int bare = encoder.tokenizer().encode(text, 512).tokenCount();
        int queryPrefixTokens = encoder.tokenizer().encode(expectedCard().queryPrefix(), 512).tokenCount() - 2;
        int passagePrefixTokens = encoder.tokenizer().encode(expectedCard().passagePrefix(), 512).tokenCount() - 2;
        assertEquals(bare + queryPrefixTokens, query.tokenCount());
        assertEquals(bare + passagePrefixTokens, passage.tokenCount());
        // The prefix is joined to the text before tokenizing: a passage of prefix + text is that query,
        // when the card puts nothing before passages.
        if (expectedCard().passagePrefix().isEmpty()) {
            assertArrayEquals(query.vector(), encoder.embed(expectedCard().queryPrefix() + text).vector());
        }
    }

    /**
     * The default model's corpus, cut to 80 words (up to ~150 tokens): these models are twice as deep, and
     * the 230-word corpus (up to ~400 tokens) took 7.5 minutes a model on two cores. Lengths up to 512 are
     * {@link #textsOverTheCardsLengthAreTruncatedAtIt}'s.
     */
    @Test
    void thousandPassagesMatchOnnxRuntime() {
        List<String> texts = TextCorpus.spread(20261129L, 1000, 80);
        OnnxRuntimeParity.Figures f = OnnxRuntimeParity.passages(encoder, reference, texts, 32);
        assertTrue(f.minTokens() <= 5 && f.maxTokens() >= 128, "the corpus must span 1 to 128 tokens: " + f);
    }

    @Test
    void queriesMatchOnnxRuntime() {
        OnnxRuntimeParity.queries(encoder, reference, TextCorpus.spread(11L, 64, 30), 16);
    }

    @Test
    void textsOverTheCardsLengthAreTruncatedAtIt() {
        List<String> texts = TextCorpus.texts(5L, 4, 500);
        OnnxRuntimeParity.Figures f = OnnxRuntimeParity.passages(encoder, reference, texts, 4);
        assertEquals(512, f.maxTokens());
        assertEquals(4, f.truncated());
    }
}
