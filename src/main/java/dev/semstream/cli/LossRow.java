package dev.semstream.cli;

/**
 * One row of loss.csv: a step's training loss, and the validation loss when the step was evaluated.
 *
 * @param step            steps completed (0: the evaluation before the first step)
 * @param trainLoss       mean cross-entropy of the step's windows, nats per token; NaN for step 0
 * @param validationLoss  the held-out loss measured after the step; NaN when it was not evaluated
 * @param learningRate    the rate the step used; NaN for step 0
 * @param tokensPerSecond training throughput of the session so far; NaN for step 0
 */
record LossRow(long step, float trainLoss, float validationLoss, float learningRate, double tokensPerSecond) {
    LossRow withValidationLoss(float v) {
        return new LossRow(step, trainLoss, v, learningRate, tokensPerSecond);
    }
}
