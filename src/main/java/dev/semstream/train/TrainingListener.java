package dev.semstream.train;

import java.nio.file.Path;

/**
 * What a {@link Trainer} tells whoever watches it (a progress bar, a CSV writer, a test), on the training
 * thread: keep the work short, it is time the step loop waits. Every method does nothing unless overridden.
 */
public interface TrainingListener {
    /** A listener that ignores everything. */
    TrainingListener NONE = new TrainingListener() {
    };

    /** After every optimizer step. */
    default void step(StepReport report) {
    }

    /** After every evaluation: at step 0 of a fresh run, every {@code evalEvery} steps, and at the last step. */
    default void evaluated(EvaluationReport report) {
    }

    /** After a checkpoint of {@code step} completed steps is in place in {@code dir}. */
    default void checkpointed(Path dir, long step) {
    }
}
