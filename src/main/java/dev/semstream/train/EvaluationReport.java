package dev.semstream.train;

/**
 * The losses of the weights after {@code step} steps, each averaged over the same fixed windows every time,
 * so that two points of the curve differ only by what training changed.
 *
 * @param step           steps completed
 * @param trainLoss      mean cross-entropy (nats per token) over fixed training windows
 * @param validationLoss the same over fixed held-out windows; NaN when the run holds none out
 */
public record EvaluationReport(long step, float trainLoss, float validationLoss) {
}
