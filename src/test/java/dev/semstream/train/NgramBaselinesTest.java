package dev.semstream.train;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NgramBaselinesTest {
    @Test
    void theLossesOfATinyCorpusWorkedByHand() {
        // Unigram: P(1) = (2 + 1) / (4 + 2) = 0.5. Bigram: count(0 1) = 2 of count(0 .) = 2, one distinct
        // follower, so P(1 | 0) = (2 - 0.75) / 2 + 0.75 * 1 / 2 * 0.5 = 0.8125.
        NgramBaselines.Losses l = NgramBaselines.measure(new int[]{0, 1, 0, 1}, new int[]{0, 1}, 2);
        assertEquals(-Math.log(0.5), l.unigram(), 1e-12);
        assertEquals(-Math.log(0.8125), l.bigram(), 1e-12);
    }

    @Test
    void aPatternThePreviousTokenPredictsCostsTheBigramAlmostNothing() {
        int[] text = new int[3000];
        for (int i = 0; i < text.length; i++) {
            text[i] = i % 3;
        }
        NgramBaselines.Losses l = NgramBaselines.measure(text, text, 50);
        assertEquals(Math.log(3), l.unigram(), 0.02, "three equally frequent tokens out of 50, add-one smoothed");
        assertTrue(l.bigram() < 0.01, "bigram " + l.bigram());
    }

    @Test
    void noiseIsNoEasierForTheBigramThanForTheUnigram() {
        SplittableRandom random = new SplittableRandom(7);
        int[] train = random.ints(20_000, 0, 16).toArray();
        int[] validation = random.ints(5_000, 0, 16).toArray();
        NgramBaselines.Losses l = NgramBaselines.measure(train, validation, 16);
        assertEquals(Math.log(16), l.unigram(), 0.01);
        assertEquals(Math.log(16), l.bigram(), 0.03);
    }

    @Test
    void anIdOutsideTheVocabularyIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NgramBaselines.measure(new int[]{0, 1, 9}, new int[]{0, 1}, 4));
        assertEquals("the train split holds token id 9, outside the vocabulary of 4", e.getMessage());
    }
}
