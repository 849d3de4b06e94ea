package dev.semstream.train;

import java.time.Duration;

/**
 * One optimizer step, as a progress bar shows it.
 *
 * @param step            steps completed, this one included (1 after the first)
 * @param totalSteps      steps of the whole run
 * @param trainLoss       mean cross-entropy (nats per token) of the step's windows, before the update
 * @param learningRate    the rate this step used
 * @param gradNorm        the global L2 norm of the gradient before clipping
 * @param tokensPerSecond training throughput of this session so far (evaluations and checkpoints not counted)
 * @param elapsed         training wall time of the whole run, earlier sessions of a resumed run included
 * @param eta             the time the remaining steps should take at this session's rate, evaluations and
 *                        checkpoints included
 */
public record StepReport(long step, long totalSteps, float trainLoss, float learningRate, float gradNorm,
                         double tokensPerSecond, Duration elapsed, Duration eta) {
}
