package dev.semstream.model.load;

import dev.semstream.model.BertConfig;
import dev.semstream.model.BertWeights;
import org.junit.jupiter.api.Test;

import static dev.semstream.model.load.TestEncoders.TINY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelIdTest {

    @Test
    void isTheNameAndTwelveHexDigits() {
        String id = ModelId.of("tiny", TINY, TestEncoders.random(TINY, 1, x -> x));
        assertTrue(id.matches("tiny@[0-9a-f]{12}"), id);
        assertEquals(64, ModelId.digest(TINY, TestEncoders.random(TINY, 1, x -> x)).length());
    }

    @Test
    void dependsOnValuesNotOnArrayIdentity() {
        assertEquals(ModelId.of("m", TINY, TestEncoders.random(TINY, 1, x -> x)),
                ModelId.of("m", TINY, TestEncoders.random(TINY, 1, x -> x)));
    }

    @Test
    void changesWithAnySingleWeight() {
        BertWeights w = TestEncoders.random(TINY, 1, x -> x);
        String before = ModelId.digest(TINY, w);
        float[] last = w.layers().get(TINY.numLayers() - 1).outputNorm().beta();
        last[last.length - 1] = Math.nextUp(last[last.length - 1]);
        assertNotEquals(before, ModelId.digest(TINY, w));
    }

    @Test
    void changesWithTheConfigEvenWhenWeightsFit() {
        BertWeights w = TestEncoders.random(TINY, 1, x -> x);
        BertConfig otherHeads = new BertConfig(100, 32, 2, 8, 64, 16, 2, 1e-12f);
        BertConfig otherEps = new BertConfig(100, 32, 2, 4, 64, 16, 2, 1e-5f);
        assertNotEquals(ModelId.digest(TINY, w), ModelId.digest(otherHeads, w));
        assertNotEquals(ModelId.digest(TINY, w), ModelId.digest(otherEps, w));
    }
}
