package dev.semstream.cli;

import dev.semstream.train.EvaluationReport;
import dev.semstream.train.StepReport;
import dev.semstream.train.TrainingListener;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Keeps loss.csv and loss.png of a run. A step's row is appended once a later step begins, since its
 * evaluation (if it has one) is reported after the step; the plot is redrawn at every checkpoint and at the end.
 * A resumed run starts from the earlier session's rows up to the checkpoint's step, so the files cover the whole run.
 */
final class LossLog implements TrainingListener {
    private final Path csv;
    private final Path png;
    private final String title;
    private final List<LossRow> written;
    private final TreeMap<Long, LossRow> pending = new TreeMap<>();
    private final PrintStream err;

    private LossLog(Path csv, Path png, String title, List<LossRow> written, PrintStream err) {
        this.csv = csv;
        this.png = png;
        this.title = title;
        this.written = written;
        this.err = err;
        LossCsv.write(csv, written);
        // Drawn once now: Java2D and its fonts start up on the first drawing, registering shutdown hooks,
        // which the JVM refuses once Ctrl-C has begun its shutdown, and that is when a checkpoint is drawn.
        draw();
    }

    /** A fresh run: an empty loss.csv. */
    static LossLog start(Path csv, Path png, String title, PrintStream err) {
        return new LossLog(csv, png, title, new ArrayList<>(), err);
    }

    /** A resumed run at {@code step}: the earlier rows up to it are kept, later ones (trained again) dropped. */
    static LossLog resume(Path csv, Path png, String title, long step, PrintStream err) {
        return new LossLog(csv, png, title, LossCsv.read(csv, step), err);
    }

    @Override
    public void step(StepReport r) {
        flushBefore(r.step());
        pending.merge(r.step(), new LossRow(r.step(), r.trainLoss(), Float.NaN, r.learningRate(), r.tokensPerSecond()),
                (old, now) -> now.withValidationLoss(old.validationLoss()));
    }

    @Override
    public void evaluated(EvaluationReport e) {
        pending.merge(e.step(), new LossRow(e.step(), Float.NaN, e.validationLoss(), Float.NaN, Double.NaN),
                (old, now) -> old.withValidationLoss(e.validationLoss()));
    }

    @Override
    public void checkpointed(Path dir, long step) {
        draw();
    }

    /** Writes what is pending and draws the final plot. */
    void finish() {
        flushBefore(Long.MAX_VALUE);
        draw();
    }

    /** The plot is for people, the run is what matters: a plot that cannot be drawn is said, not fatal. */
    private void draw() {
        try {
            LossChart.write(png, rows(), title);
        } catch (RuntimeException e) {
            err.println("semstream: cannot draw " + png + ": " + Main.describe(e));
        }
    }

    List<LossRow> rows() {
        List<LossRow> all = new ArrayList<>(written);
        all.addAll(pending.values());
        return all;
    }

    private void flushBefore(long step) {
        while (!pending.isEmpty() && pending.firstKey() < step) {
            LossRow row = pending.pollFirstEntry().getValue();
            LossCsv.append(csv, row);
            written.add(row);
        }
    }
}
