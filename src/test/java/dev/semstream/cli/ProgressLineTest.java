package dev.semstream.cli;

import dev.semstream.train.StepReport;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ProgressLineTest {
    @Test
    void showsStepLossesSpeedAndEta() {
        StepReport r = new StepReport(120, 2000, 3.41234f, 1e-3f, 0.8f, 2405.4, Duration.ofSeconds(60),
                Duration.ofSeconds(725));
        assertEquals("step 120/2000 (6%)  train 3.412  val 3.501  2405 tok/s  ETA 12m05s",
                ProgressLine.format(r, 3.5008f));
    }

    @Test
    void aDashBeforeTheFirstValidation() {
        StepReport r = new StepReport(1, 10, 5.5f, 1e-4f, 2f, 99.6, Duration.ofSeconds(1), Duration.ofSeconds(9));
        assertEquals("step 1/10 (10%)  train 5.500  val -  100 tok/s  ETA 9s", ProgressLine.format(r, Float.NaN));
    }

    @Test
    void durationsInTwoUnitsAtMost() {
        assertEquals("0s", ProgressLine.duration(Duration.ZERO));
        assertEquals("59s", ProgressLine.duration(Duration.ofMillis(59_400)));
        assertEquals("1m00s", ProgressLine.duration(Duration.ofSeconds(60)));
        assertEquals("59m59s", ProgressLine.duration(Duration.ofSeconds(3599)));
        assertEquals("1h00m", ProgressLine.duration(Duration.ofSeconds(3600)));
        assertEquals("3h07m", ProgressLine.duration(Duration.ofMinutes(187).plusSeconds(10)));
        assertEquals("?", ProgressLine.duration(null));
    }
}
