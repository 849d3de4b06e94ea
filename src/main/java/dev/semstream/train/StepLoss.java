package dev.semstream.train;

/**
 * One step of the loss history a checkpoint keeps, without the timings: a resumed run's history is the
 * same, bit for bit, as an unbroken one's.
 *
 * @param step         steps completed, this one included
 * @param trainLoss    mean cross-entropy (nats per token) of the step's windows
 * @param learningRate the rate the step used
 * @param gradNorm     the global gradient norm before clipping
 */
public record StepLoss(long step, float trainLoss, float learningRate, float gradNorm) {
}
