package dev.semstream.train;

/**
 * nanoGPT's schedule: a linear warm-up to the peak rate, then half a cosine down to the minimum at the
 * last step. Warm-up keeps Adam's first steps, whose second-moment estimate rests on a handful of
 * gradients, from taking full-size strides.
 */
public final class LearningRateSchedule {
    private final double peak;
    private final double min;
    private final long warmupSteps;
    private final long steps;

    public LearningRateSchedule(float peak, float min, long warmupSteps, long steps) {
        if (!(peak > 0) || !(min >= 0) || min > peak || warmupSteps < 0 || steps <= warmupSteps) {
            throw new IllegalArgumentException("schedule needs 0 <= min <= peak and 0 <= warmupSteps < steps, got peak "
                    + peak + ", min " + min + ", warmupSteps " + warmupSteps + ", steps " + steps);
        }
        this.peak = peak;
        this.min = min;
        this.warmupSteps = warmupSteps;
        this.steps = steps;
    }

    public static LearningRateSchedule of(TrainingOptions o) {
        return new LearningRateSchedule(o.learningRate(), o.minLearningRate(), o.warmupSteps(), o.steps());
    }

    /**
     * The rate of the step with this 0-based index: peak x (step + 1) / warmupSteps during the warm-up (so its
     * last step is at the peak), then from the peak at index warmupSteps down to min at index steps - 1.
     */
    public float at(long step) {
        if (step < warmupSteps) {
            return (float) (peak * (step + 1) / warmupSteps);
        }
        long decaySteps = Math.max(1, steps - 1 - warmupSteps);
        double ratio = Math.min(1.0, (double) (step - warmupSteps) / decaySteps);
        return (float) (min + 0.5 * (1 + Math.cos(Math.PI * ratio)) * (peak - min));
    }
}
