package dev.semstream.train;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TrainingOptionsTest {
    @Test
    void defaultsAreValidAndWithersChangeOneThing() {
        TrainingOptions d = TrainingOptions.defaults();
        TrainingOptions changed = d.withBatch(4).withAccumulation(2).withSteps(10, 2);
        assertEquals(4, changed.batch());
        assertEquals(2, changed.accumulation());
        assertEquals(d.learningRate(), changed.learningRate());
        assertEquals(4L * 2 * 64, changed.tokensPerStep(64));
        assertEquals(d, d.withSeed(d.seed()), "a record: equal when every field is");
    }

    @Test
    void everyFieldIsCheckedAndNamedWithItsValue() {
        TrainingOptions d = TrainingOptions.defaults();
        assertProblem("batch must be at least 1, got 0", () -> d.withBatch(0));
        assertProblem("accumulation must be at least 1, got 0", () -> d.withAccumulation(0));
        assertProblem("learningRate must be a positive number, got NaN", () -> d.withLearningRates(Float.NaN, 0));
        assertProblem("minLearningRate must be between 0 and learningRate 0.001, got 0.01",
                () -> d.withLearningRates(1e-3f, 1e-2f));
        assertProblem("steps must be at least 1, got 0", () -> d.withSteps(0, 0));
        assertProblem("warmupSteps must be at least 0 and fewer than steps 10, got 10",
                () -> d.withSteps(10, 10));
        assertProblem("weightDecay must be 0 or more, got -0.1", () -> d.withWeightDecay(-0.1f));
        assertProblem("beta1 must be in [0, 1), got 1.0", () -> d.withAdam(1f, 0.99f, 1e-8f));
        assertProblem("beta2 must be in [0, 1), got -0.5", () -> d.withAdam(0.9f, -0.5f, 1e-8f));
        assertProblem("epsilon must be a positive number, got 0.0", () -> d.withAdam(0.9f, 0.99f, 0f));
        assertProblem("gradClip must be 0 (off) or a positive norm, got Infinity",
                () -> d.withGradClip(Float.POSITIVE_INFINITY));
        assertProblem("evalEvery must be at least 1, got 0", () -> d.withEvaluation(0, 5));
        assertProblem("evalBatches must be at least 1, got 0", () -> d.withEvaluation(5, 0));
        assertProblem("checkpointEvery must be at least 1 second, got PT0.5S",
                () -> d.withCheckpointEvery(Duration.ofMillis(500)));
        assertProblem("checkpointEvery must be at least 1 second, got null", () -> d.withCheckpointEvery(null));
        assertProblem("validationFraction must be in [0, 0.5], got 0.9", () -> d.withValidationFraction(0.9));
    }

    @Test
    void allProblemsAreReportedAtOnce() {
        IllegalArgumentException both = assertThrows(IllegalArgumentException.class, () -> new TrainingOptions(0, 0,
                1e-3f, 1e-4f, 0, 10, 0f, 0.9f, 0.99f, 1e-8f, 1f, 1, 1, 1, Duration.ofMinutes(1), 0.1));
        assertEquals("bad training options: batch must be at least 1, got 0; accumulation must be at least 1, got 0",
                both.getMessage());
    }

    private static void assertProblem(String problem, org.junit.jupiter.api.function.Executable build) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build);
        assertEquals("bad training options: " + problem, e.getMessage());
    }
}
