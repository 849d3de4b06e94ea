package dev.semstream.train;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CorpusSplitTest {
    /** Token i is i, so a window's tokens say where it came from. */
    private static TokenCorpus counting(int n) {
        int[] t = new int[n];
        Arrays.setAll(t, i -> i);
        return new TokenCorpus(t);
    }

    @Test
    void everyTenthBlockAllAlongTheCorpusIsHeldOutNotTheLastTenth() {
        // 1000 windows of 8 tokens (7 inputs + 1): validation blocks 9, 19, ..., 999
        CorpusSplit split = counting(8000).split(7, 0.1);
        assertEquals(100, split.validationWindows());
        for (int i = 0; i < 100; i++) {
            assertEquals((10 * i + 9) * 8, split.validationWindowStart(i));
        }
        assertEquals(7200, split.trainingTokens());
        // runs of 9 blocks = 72 tokens hold 72 - 8 + 1 = 65 window starts each
        assertEquals(100 * 65, split.trainingWindowStarts());
    }

    @Test
    void noTrainingWindowReachesIntoAValidationBlock() {
        CorpusSplit split = counting(5003).split(9, 0.25);
        Set<Integer> heldOut = new HashSet<>();
        for (int v = 0; v < split.validationWindows(); v++) {
            for (int i = 0; i < 10; i++) {
                heldOut.add(split.validationWindowStart(v) + i);
            }
        }
        assertEquals(0.25, heldOut.size() / 5000.0, 0.01, "a quarter held out");
        int[] starts = new int[4000];
        Set<Integer> seen = new HashSet<>();
        for (long step = 0; step < 20; step++) {
            split.trainingStarts(7, step, starts);
            for (int s : starts) {
                seen.add(s);
                for (int i = 0; i < 10; i++) {
                    assertFalse(heldOut.contains(s + i), "training window at " + s + " reaches held-out token " + (s + i));
                }
                assertTrue(s + 10 <= 5003);
            }
        }
        assertEquals(split.trainingWindowStarts(), seen.size(), "80,000 draws reach every one of the starts");
    }

    @Test
    void aStepsWindowsArePureFunctionsOfSeedAndStep() {
        CorpusSplit a = counting(10_000).split(15, 0.1);
        CorpusSplit b = counting(10_000).split(15, 0.1);
        int[] x = new int[32];
        int[] y = new int[32];
        a.trainingStarts(42, 1234, x);
        b.trainingStarts(42, 1234, y);
        assertArrayEquals(x, y, "a fresh split, as after a resume, gives step 1234 the same windows");
        b.trainingStarts(42, 1235, y);
        assertFalse(Arrays.equals(x, y), "the next step gets other windows");
        b.trainingStarts(43, 1234, y);
        assertFalse(Arrays.equals(x, y), "another seed gets other windows");
        int[] firstHalf = new int[16];
        a.trainingStarts(42, 1234, firstHalf);
        assertArrayEquals(Arrays.copyOf(x, 16), firstHalf, "window i of a step does not depend on the batch size");
    }

    @Test
    void batchesAreWindowsWithTargetsShiftedByOne() {
        CorpusSplit split = counting(1000).split(4, 0.1);
        int[] inputs = new int[8];
        int[] targets = new int[8];
        split.fill(new int[]{99, 3, 17}, 1, 2, inputs, targets);
        assertArrayEquals(new int[]{3, 4, 5, 6, 17, 18, 19, 20}, inputs);
        assertArrayEquals(new int[]{4, 5, 6, 7, 18, 19, 20, 21}, targets);
    }

    @Test
    void evaluationWindowsAreFixedAndValidationOnesSpreadOverTheWholeSplit() {
        CorpusSplit split = counting(80_000).split(7, 0.1);
        int[] v = split.evaluationValidationStarts(10);
        assertEquals(10, v.length);
        assertEquals(split.validationWindowStart(0), v[0]);
        assertTrue(v[9] > 70_000, "the last ones come from the end of the corpus, not all from its start");
        assertArrayEquals(v, split.evaluationValidationStarts(10));
        assertEquals(split.validationWindows(), split.evaluationValidationStarts(1_000_000).length,
                "asking for more gives all of them");
        assertArrayEquals(split.evaluationTrainingStarts(5, 16), split.evaluationTrainingStarts(5, 16));
        int[] step0 = new int[16];
        split.trainingStarts(5, 0, step0);
        assertFalse(Arrays.equals(step0, split.evaluationTrainingStarts(5, 16)), "not the windows of a step");
    }

    @Test
    void noValidationFractionTrainsOnEverything() {
        CorpusSplit split = counting(100).split(9, 0);
        assertEquals(0, split.validationWindows());
        assertEquals(100, split.trainingTokens());
        assertEquals(91, split.trainingWindowStarts());
    }

    @Test
    void aCorpusTooSmallForOneWindowOfEachIsRefusedSayingHowMuchItNeeds() {
        TrainingException e = assertThrows(TrainingException.class, () -> counting(70).split(7, 0.1));
        assertEquals("the corpus of 70 tokens is too small to train on: with windows of 8 tokens (the context plus the"
                + " next token) and a validation fraction of 0.1 it holds 63 training and 0 validation windows; it needs"
                + " at least one of each, so at least 80 tokens", e.getMessage());
        counting(80).split(7, 0.1);
        assertThrows(TrainingException.class, () -> counting(7).split(7, 0));
        assertThrows(TrainingException.class, () -> new TokenCorpus(new int[0]).split(7, 0.1));
    }

    @Test
    void theFingerprintIsTheIdsHash() {
        TokenCorpus a = counting(1000);
        assertEquals(a.fingerprint(), counting(1000).fingerprint());
        assertNotEquals(a.fingerprint(), counting(1001).fingerprint());
        int[] changed = new int[1000];
        Arrays.setAll(changed, i -> i == 500 ? 0 : i);
        assertNotEquals(a.fingerprint(), new TokenCorpus(changed).fingerprint());
        assertEquals(64, a.fingerprint().length());
        assertEquals(999, a.maxTokenId());
        assertThrows(IllegalArgumentException.class, () -> new TokenCorpus(new int[]{1, -2}));
    }
}
