package dev.semstream.cli;

import dev.semstream.train.EvaluationReport;
import dev.semstream.train.StepReport;
import dev.semstream.train.TrainingListener;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The progress of `train` on stderr. On a terminal one {@link ProgressLine} redrawn in place with a carriage
 * return, at most ten times a second, with evaluations and checkpoints as lines above it; otherwise (a log
 * file, a CI job) one line every {@code everySteps} steps and at the last, so the log stays readable.
 */
final class ProgressPrinter implements TrainingListener {
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintStream err;
    private final boolean terminal;
    private final long everySteps;
    private float validationLoss;
    private StepReport last;
    private int drawnLength;
    private long lastDraw;

    /** @param validationLoss the last one measured (a resumed run's), or NaN */
    ProgressPrinter(PrintStream err, boolean terminal, long everySteps, float validationLoss) {
        this.err = err;
        this.terminal = terminal;
        this.everySteps = everySteps;
        this.validationLoss = validationLoss;
    }

    @Override
    public void step(StepReport r) {
        last = r;
        boolean lastStep = r.step() >= r.totalSteps();
        if (!terminal) {
            if (r.step() % everySteps == 0 || lastStep) {
                err.println("semstream: " + ProgressLine.format(r, validationLoss));
            }
        } else if (lastStep || System.nanoTime() - lastDraw >= REDRAW_NANOS) {
            redraw();
        }
    }

    @Override
    public void evaluated(EvaluationReport e) {
        validationLoss = e.validationLoss();
        line(String.format(Locale.ROOT, "evaluation at step %d: train %.4f, validation %s", e.step(), e.trainLoss(),
                Float.isNaN(e.validationLoss()) ? "- (nothing held out)"
                        : String.format(Locale.ROOT, "%.4f", e.validationLoss())));
    }

    @Override
    public void checkpointed(Path dir, long step) {
        line("checkpoint of step " + step + " written to " + dir);
    }

    /** A line of its own; on a terminal it goes above the progress line, which is drawn again under it. */
    void line(String text) {
        if (terminal && drawnLength > 0) {
            err.print("\r" + " ".repeat(drawnLength) + "\r");
            drawnLength = 0;
        }
        err.println("semstream: " + text);
        if (terminal && last != null) {
            redraw();
        }
        err.flush();
    }

    /** Ends the line being redrawn, so what is printed next starts on a line of its own. */
    void finish() {
        if (terminal && drawnLength > 0) {
            err.println();
            drawnLength = 0;
        }
        err.flush();
    }

    private void redraw() {
        String text = "semstream: " + ProgressLine.format(last, validationLoss);
        // Padded over the previous line, which may have been longer.
        err.print("\r" + text + " ".repeat(Math.max(0, drawnLength - text.length())));
        err.flush();
        drawnLength = text.length();
        lastDraw = System.nanoTime();
    }
}
