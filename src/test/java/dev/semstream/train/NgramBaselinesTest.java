package dev.semstream.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NgramBaselinesTest {
    @Test
    void countsTheTrainingRunsAndScoresTheValidationWindowsByHand() {
        // Windows of 2 tokens, every other block held out: training runs [0 1] at 0, 4 and 8; validation [2 3] at 2
        // and 6 and [0 1] at 10.
        TokenCorpus corpus = new TokenCorpus(new int[]{0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 0, 1});
        NgramBaselines b = NgramBaselines.measure(corpus.split(1, 0.5), 4);
        assertEquals(3, b.validationTargets());
        // unigram, add-one over 4 ids and 6 training tokens: p(0) = p(1) = 4/10, p(2) = p(3) = 1/10
        assertEquals(-(Math.log(0.1) + Math.log(0.1) + Math.log(0.4)) / 3, b.unigram(), 1e-12);
        // bigram: history 2 never seen in training -> unigram; p(1 | 0) = (3 - 0.75 + 0.75 x 1 x 0.4) / 3 = 0.85
        assertEquals(-(Math.log(0.1) + Math.log(0.1) + Math.log(0.85)) / 3, b.bigram(), 1e-12);
    }

    @Test
    void onEnglishTheBigramBeatsTheUnigramWhichBeatsUniform(@TempDir Path dir) {
        TokenCorpus corpus = TinyCorpus.tokenised(dir);
        NgramBaselines b = NgramBaselines.measure(corpus.split(7, 0.25), TinyCorpus.config().vocabSize());
        assertTrue(b.bigram() < b.unigram() && b.unigram() < Math.log(TinyCorpus.config().vocabSize()), b.toString());
    }

    @Test
    void aSplitWithNothingHeldOutHasNoBaseline() {
        TokenCorpus corpus = new TokenCorpus(new int[]{0, 1, 2, 3});
        assertThrows(TrainingException.class, () -> NgramBaselines.measure(corpus.split(1, 0), 4));
    }
}
