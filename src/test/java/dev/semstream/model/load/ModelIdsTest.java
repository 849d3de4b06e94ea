package dev.semstream.model.load;

import dev.semstream.model.BertConfig;
import dev.semstream.model.BertWeights;
import dev.semstream.model.GptConfig;
import dev.semstream.model.GptWeights;
import dev.semstream.model.TinyGpt;
import org.junit.jupiter.api.Test;

import static dev.semstream.model.load.TestEncoders.TINY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelIdsTest {
    private static final GptConfig GPT = TinyGpt.configWithTokenizer();

    /** Pinned: embeddings and completions are stored with these ids, so how they are computed must not drift. */
    @Test
    void areTheSameIdsAsEver() {
        BertWeights bert = TestEncoders.random(TINY, 1, x -> x);
        assertEquals("tiny@ac3a75efa9df", ModelIds.bert("tiny", TINY, bert));
        assertEquals("ac3a75efa9df967b0dec60ab2a3046799b4290e503157349855da17bc930e779",
                ModelIds.bertDigest(TINY, bert));
        GptWeights gpt = TinyGpt.weights(GPT, 3);
        assertEquals("tiny@61dfdcde7d70", ModelIds.gpt2("tiny", GPT, gpt));
        assertEquals("61dfdcde7d702921e9ee470fb5d298f574b58a32c706f5e7851eedad66d35a5e",
                ModelIds.gpt2Digest(GPT, gpt));
    }

    @Test
    void isTheNameAndTwelveHexDigits() {
        String id = ModelIds.bert("tiny", TINY, TestEncoders.random(TINY, 1, x -> x));
        assertTrue(id.matches("tiny@[0-9a-f]{12}"), id);
        assertEquals(64, ModelIds.bertDigest(TINY, TestEncoders.random(TINY, 1, x -> x)).length());
    }

    @Test
    void dependsOnValuesNotOnArrayIdentity() {
        assertEquals(ModelIds.bert("m", TINY, TestEncoders.random(TINY, 1, x -> x)),
                ModelIds.bert("m", TINY, TestEncoders.random(TINY, 1, x -> x)));
    }

    @Test
    void changesWithAnySingleWeight() {
        BertWeights w = TestEncoders.random(TINY, 1, x -> x);
        String before = ModelIds.bertDigest(TINY, w);
        float[] last = w.layers().get(TINY.numLayers() - 1).outputNorm().beta();
        last[last.length - 1] = Math.nextUp(last[last.length - 1]);
        assertNotEquals(before, ModelIds.bertDigest(TINY, w));
    }

    @Test
    void changesWithTheConfigEvenWhenWeightsFit() {
        BertWeights w = TestEncoders.random(TINY, 1, x -> x);
        BertConfig otherHeads = new BertConfig(100, 32, 2, 8, 64, 16, 2, 1e-12f);
        BertConfig otherEps = new BertConfig(100, 32, 2, 4, 64, 16, 2, 1e-5f);
        assertNotEquals(ModelIds.bertDigest(TINY, w), ModelIds.bertDigest(otherHeads, w));
        assertNotEquals(ModelIds.bertDigest(TINY, w), ModelIds.bertDigest(otherEps, w));
        GptWeights g = TinyGpt.weights(GPT, 3);
        GptConfig gptOtherHeads = new GptConfig(GPT.vocabSize(), GPT.contextLength(), GPT.dim(), GPT.layers(), 8,
                GPT.layerNormEps());
        assertNotEquals(ModelIds.gpt2Digest(GPT, g), ModelIds.gpt2Digest(gptOtherHeads, g));
    }
}
