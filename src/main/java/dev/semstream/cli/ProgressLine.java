package dev.semstream.cli;

import dev.semstream.train.StepReport;

import java.time.Duration;
import java.util.Locale;

/** The one line `train` keeps on stderr: where the run is, how well it learns, how fast, and when it ends. */
final class ProgressLine {
    private ProgressLine() {
    }

    /**
     * E.g. {@code step 120/2000 (6%)  train 3.412  val 3.501  2405 tok/s  ETA 12m05s}.
     *
     * @param validationLoss the latest validation loss, NaN before the first evaluation or with no held-out split
     */
    static String format(StepReport r, float validationLoss) {
        long percent = r.totalSteps() == 0 ? 100 : 100 * r.step() / r.totalSteps();
        return String.format(Locale.ROOT, "step %d/%d (%d%%)  train %.3f  val %s  %.0f tok/s  ETA %s", r.step(),
                r.totalSteps(), percent, r.trainLoss(), Float.isNaN(validationLoss) ? "-"
                        : String.format(Locale.ROOT, "%.3f", validationLoss), r.tokensPerSecond(), duration(r.eta()));
    }

    /** 45s, 12m05s, 3h07m: two units at most, the larger first; unknown is "?". */
    static String duration(Duration d) {
        if (d == null || d.isNegative()) {
            return "?";
        }
        long s = Math.round(d.toMillis() / 1000.0);
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        long m = Math.round(s / 60.0);
        return String.format(Locale.ROOT, "%dh%02dm", m / 60, m % 60);
    }
}
