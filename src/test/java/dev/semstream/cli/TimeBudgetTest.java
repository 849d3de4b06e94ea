package dev.semstream.cli;

import dev.semstream.model.GptConfig;
import dev.semstream.train.CorpusSplit;
import dev.semstream.train.TokenCorpus;
import dev.semstream.train.TrainableGpt;
import dev.semstream.train.TrainingOptions;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TimeBudgetTest {
    private static final GptConfig CONFIG = new GptConfig(300, 16, 32, 1, 2, 1e-5f);

    private static CorpusSplit split() {
        Random random = new Random(1);
        int[] ids = new int[2000];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = random.nextInt(CONFIG.vocabSize());
        }
        return new TokenCorpus(ids).split(CONFIG.contextLength(), 0.1);
    }

    @Test
    void theStepsThatFitTheTimeLeftAtTheMeasuredSpeed() {
        TrainingOptions options = TrainingOptions.defaults().withBatch(2).withAccumulation(3);
        TimeBudget.Plan plan = TimeBudget.plan(Duration.ofSeconds(30), Duration.ofSeconds(1),
                TrainableGpt.initialised(CONFIG, 1), split(), options);
        assertTrue(plan.steps() > 1, plan.description());
        assertTrue(plan.description().startsWith("--minutes 0.5: " + plan.steps() + " steps of "), plan.description());
        assertTrue(plan.description().contains("(3 x "), "accumulation counts: " + plan.description());
        // What is left of the budget, no more: the second already spent and the probe come off.
        double left = Double.parseDouble(plan.description().replaceAll(".* in the (\\d+) s left", "$1"));
        assertTrue(left <= 29, plan.description());
    }

    @Test
    void aBudgetAlreadySpentStillTrainsOneStep() {
        TimeBudget.Plan plan = TimeBudget.plan(Duration.ofSeconds(1), Duration.ofSeconds(5),
                TrainableGpt.initialised(CONFIG, 1), split(), TrainingOptions.defaults().withBatch(2));
        assertEquals(1, plan.steps(), plan.description());
    }
}
