package dev.semstream.model;

import dev.semstream.kernels.Kernels;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BertEncoderModelTest {
    static Stream<Kernels> kernels() {
        return Stream.of(Kernels.scalar(), Kernels.best());
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void packedBatchEqualsTheReferenceTextByText(Kernels kernels) {
        BertConfig c = TinyBert.config();
        BertWeights w = TinyBert.weights(c, 7);
        BertEncoderModel model = new BertEncoderModel(c, w, kernels);
        Random rnd = new Random(11);
        // Lengths 1 to the full 40 positions, in one packed batch.
        int[][] ids = new int[9][];
        int[] lengths = {1, 2, 5, 17, 40, 3, 33, 8, 12};
        for (int s = 0; s < ids.length; s++) {
            ids[s] = rnd.ints(lengths[s], 0, c.vocabSize()).toArray();
        }
        float[] hidden = model.forward(ids);
        int row = 0;
        for (int[] seq : ids) {
            double[][] expected = ReferenceBert.forward(c, w, seq);
            for (double[] exp : expected) {
                for (int i = 0; i < c.hiddenSize(); i++) {
                    assertEquals(exp[i], hidden[row * c.hiddenSize() + i], 2e-4,
                            "length " + seq.length + " row " + row + " unit " + i);
                }
                row++;
            }
        }
    }

    @Test
    void batchingDoesNotChangeAnyText() {
        BertConfig c = TinyBert.config();
        BertEncoderModel model = new BertEncoderModel(c, TinyBert.weights(c, 3), Kernels.best());
        int[][] batch = {{1, 2, 3}, {4, 5, 6, 7, 8, 9, 10}, {11}};
        float[] together = model.forward(batch);
        int offset = 0;
        for (int[] seq : batch) {
            float[] alone = model.forward(new int[][]{seq});
            for (int i = 0; i < alone.length; i++) {
                assertEquals(alone[i], together[offset + i], 1e-5);
            }
            offset += alone.length;
        }
    }

    @Test
    void badSequencesAreRejectedWithTheReason() {
        BertConfig c = TinyBert.config();
        BertEncoderModel model = new BertEncoderModel(c, TinyBert.weights(c, 3), Kernels.best());
        var tooLong = assertThrows(IllegalArgumentException.class, () -> model.forward(new int[][]{new int[41]}));
        assertTrue(tooLong.getMessage().contains("40 positions"), tooLong.getMessage());
        var badId = assertThrows(IllegalArgumentException.class, () -> model.forward(new int[][]{{1, 50}}));
        assertTrue(badId.getMessage().contains("outside the vocabulary"), badId.getMessage());
        assertThrows(IllegalArgumentException.class, () -> model.forward(new int[][]{{}}));
    }

    @Test
    void weightsThatDoNotFitTheConfigAreRefused() {
        BertConfig c = TinyBert.config();
        BertConfig other = new BertConfig(50, 48, 3, 4, 80, 40, 2, 1e-12f);
        var e = assertThrows(ModelException.class,
                () -> new BertEncoderModel(other, TinyBert.weights(c, 3), Kernels.best()));
        assertTrue(e.getMessage().contains("number of layers"), e.getMessage());
        var heads = assertThrows(ModelException.class, () -> new BertConfig(50, 48, 2, 5, 80, 40, 2, 1e-12f));
        assertTrue(heads.getMessage().contains("not divisible"), heads.getMessage());
    }
}
