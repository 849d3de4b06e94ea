package dev.semstream.train;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LearningRateScheduleTest {
    private final LearningRateSchedule schedule = new LearningRateSchedule(1e-3f, 1e-4f, 10, 111);

    @Test
    void warmsUpLinearlyToThePeakAtTheLastWarmupStep() {
        assertEquals(1e-4f, schedule.at(0), 1e-10f);
        assertEquals(5e-4f, schedule.at(4), 1e-10f);
        assertEquals(1e-3f, schedule.at(9), 1e-10f, "warm-up end");
        assertEquals(1e-3f, schedule.at(10), 1e-10f, "the first decay step is still the peak");
    }

    @Test
    void cosineReachesHalfWayAtTheMidpointAndTheMinimumAtTheLastStep() {
        // decay over steps 10..110: the midpoint is step 60
        assertEquals(5.5e-4f, schedule.at(60), 1e-9f, "midpoint");
        assertEquals(1e-4f, schedule.at(110), 1e-10f, "end");
        assertEquals(1e-4f, schedule.at(500), 1e-10f, "past the end stays at the minimum");
        float quarter = schedule.at(35);
        assertEquals(1e-4 + 0.5 * (1 + Math.cos(Math.PI / 4)) * 9e-4, quarter, 1e-9);
        for (long s = 10; s < 110; s++) {
            assertTrue(schedule.at(s + 1) <= schedule.at(s), "monotone decay at " + s);
        }
    }

    @Test
    void noWarmupStartsAtThePeakAndOneStepRunsIt() {
        assertEquals(2e-3f, new LearningRateSchedule(2e-3f, 0f, 0, 100).at(0));
        assertEquals(2e-3f, new LearningRateSchedule(2e-3f, 0f, 0, 1).at(0));
        assertEquals(0f, new LearningRateSchedule(2e-3f, 0f, 0, 100).at(99));
    }

    @Test
    void refusesAnImpossibleSchedule() {
        assertThrows(IllegalArgumentException.class, () -> new LearningRateSchedule(1e-3f, 1e-2f, 0, 10));
        assertThrows(IllegalArgumentException.class, () -> new LearningRateSchedule(1e-3f, 0f, 10, 10));
    }
}
