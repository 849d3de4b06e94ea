package dev.semstream.train;

import java.time.Duration;
import java.util.List;

/**
 * Where a {@link Trainer#run} left the training, with the whole run's loss history (earlier sessions of a
 * resumed run included).
 *
 * @param step        steps completed
 * @param totalSteps  steps of the whole run
 * @param stopped     true when the run returned because a stop was requested, before the last step
 * @param steps       every step's loss, in order
 * @param evaluations every evaluation, in order
 * @param elapsed     training wall time of the whole run
 * @param tokensSeen  training tokens the steps so far went through (step x batch x accumulation x context)
 */
public record TrainingResult(long step, long totalSteps, boolean stopped, List<StepLoss> steps,
                             List<EvaluationReport> evaluations, Duration elapsed, long tokensSeen) {
    public TrainingResult {
        steps = List.copyOf(steps);
        evaluations = List.copyOf(evaluations);
    }

    /** The last evaluation, if any. */
    public EvaluationReport lastEvaluation() {
        return evaluations.isEmpty() ? null : evaluations.get(evaluations.size() - 1);
    }
}
