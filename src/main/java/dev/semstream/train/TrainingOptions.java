package dev.semstream.train;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Every knob of a training run, in one place, as nanoGPT's {@code train.py} keeps them: start from
 * {@link #defaults()} and change what differs with the {@code with...} methods. The windows are always the
 * model's context length long (nanoGPT's {@code block_size}), so the shape lives in the model's config, not here.
 * A checkpoint stores these options, and a resume runs on with exactly them.
 *
 * @param batch              windows per forward-backward call (nanoGPT's {@code batch_size})
 * @param accumulation       forward-backward calls summed into one optimizer step ({@code gradient_accumulation_steps}):
 *                           a step sees batch x accumulation windows, in the memory of batch
 * @param learningRate       peak learning rate, reached at the end of the warm-up
 * @param minLearningRate    where the cosine decay ends, at the last step (nanoGPT: about learningRate / 10)
 * @param warmupSteps        steps of linear warm-up from learningRate / warmupSteps to learningRate; 0 for none
 * @param steps              optimizer steps of the whole run; the schedule is laid out over them
 * @param weightDecay        AdamW's decoupled weight decay, applied to the 2-D weights only (not norms, biases)
 * @param beta1              AdamW's decay of the gradient's running mean
 * @param beta2              AdamW's decay of the squared gradient's running mean (0.95 for GPT-2 sized batches,
 *                           0.99 when a step sees few tokens)
 * @param epsilon            AdamW's term added to the root of the second moment, so a zero gradient stays finite
 * @param gradClip           the global L2 norm the gradients are scaled down to when above it; 0 turns clipping off
 * @param seed               the data order: the windows of step n are a function of (seed, n) alone
 * @param evalEvery          steps between two evaluations (train and validation loss on fixed windows)
 * @param evalBatches        batches of {@code batch} windows each evaluation averages over, on each split
 * @param checkpointEvery    wall time between two checkpoints; one is also written when the run ends or is stopped
 * @param validationFraction share of the corpus held out for validation, spread evenly over it; 0 for none
 */
public record TrainingOptions(int batch, int accumulation, float learningRate, float minLearningRate,
                              long warmupSteps, long steps, float weightDecay, float beta1, float beta2, float epsilon,
                              float gradClip, long seed, long evalEvery, int evalBatches, Duration checkpointEvery,
                              double validationFraction) {

    /** Checks every field; all the problems are named in one message, each with the value given. */
    public TrainingOptions {
        List<String> problems = new ArrayList<>();
        check(problems, batch > 0, "batch must be at least 1, got " + batch);
        check(problems, accumulation > 0, "accumulation must be at least 1, got " + accumulation);
        check(problems, positive(learningRate), "learningRate must be a positive number, got " + learningRate);
        check(problems, !positive(learningRate) || Float.isFinite(minLearningRate) && minLearningRate >= 0
                        && minLearningRate <= learningRate,
                "minLearningRate must be between 0 and learningRate " + learningRate + ", got " + minLearningRate);
        check(problems, steps > 0, "steps must be at least 1, got " + steps);
        check(problems, steps <= 0 || warmupSteps >= 0 && warmupSteps < steps,
                "warmupSteps must be at least 0 and fewer than steps " + steps + ", got " + warmupSteps);
        check(problems, Float.isFinite(weightDecay) && weightDecay >= 0,
                "weightDecay must be 0 or more, got " + weightDecay);
        check(problems, beta1 >= 0 && beta1 < 1, "beta1 must be in [0, 1), got " + beta1);
        check(problems, beta2 >= 0 && beta2 < 1, "beta2 must be in [0, 1), got " + beta2);
        check(problems, positive(epsilon), "epsilon must be a positive number, got " + epsilon);
        check(problems, Float.isFinite(gradClip) && gradClip >= 0,
                "gradClip must be 0 (off) or a positive norm, got " + gradClip);
        check(problems, evalEvery > 0, "evalEvery must be at least 1, got " + evalEvery);
        check(problems, evalBatches > 0, "evalBatches must be at least 1, got " + evalBatches);
        check(problems, checkpointEvery != null && checkpointEvery.compareTo(Duration.ofSeconds(1)) >= 0,
                "checkpointEvery must be at least 1 second, got " + checkpointEvery);
        check(problems, validationFraction >= 0 && validationFraction <= 0.5,
                "validationFraction must be in [0, 0.5], got " + validationFraction);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("bad training options: " + String.join("; ", problems));
        }
    }

    /**
     * A small model on a small corpus, on a CPU: nanoGPT's character-level Shakespeare settings (lr 1e-3 to
     * 1e-4, beta2 0.99 since a step sees few tokens) with GPT-2's decay, clipping and epsilon.
     */
    public static TrainingOptions defaults() {
        return new TrainingOptions(16, 1, 1e-3f, 1e-4f, 100, 5000, 0.1f, 0.9f, 0.99f, 1e-8f, 1.0f, 1337, 250, 20,
                Duration.ofMinutes(10), 0.1);
    }

    /** Tokens one optimizer step trains on, for a given window length. */
    public long tokensPerStep(int sequenceLength) {
        return (long) batch * accumulation * sequenceLength;
    }

    public TrainingOptions withBatch(int v) {
        return edit(d -> d.batch = v);
    }

    public TrainingOptions withAccumulation(int v) {
        return edit(d -> d.accumulation = v);
    }

    /** Sets both ends of the schedule: the peak and where the cosine ends. */
    public TrainingOptions withLearningRates(float peak, float min) {
        return edit(d -> {
            d.learningRate = peak;
            d.minLearningRate = min;
        });
    }

    /**
     * Sets the run's length and its warm-up together, since the warm-up must be shorter than the run (nanoGPT
     * warms up over about a twentieth of it).
     */
    public TrainingOptions withSteps(long total, long warmup) {
        return edit(d -> {
            d.steps = total;
            d.warmupSteps = warmup;
        });
    }

    public TrainingOptions withWeightDecay(float v) {
        return edit(d -> d.weightDecay = v);
    }

    /** Sets AdamW's moment decays and epsilon together. */
    public TrainingOptions withAdam(float b1, float b2, float eps) {
        return edit(d -> {
            d.beta1 = b1;
            d.beta2 = b2;
            d.epsilon = eps;
        });
    }

    public TrainingOptions withGradClip(float v) {
        return edit(d -> d.gradClip = v);
    }

    public TrainingOptions withSeed(long v) {
        return edit(d -> d.seed = v);
    }

    /** Sets how often evaluation runs and how many batches of each split it averages. */
    public TrainingOptions withEvaluation(long every, int batches) {
        return edit(d -> {
            d.evalEvery = every;
            d.evalBatches = batches;
        });
    }

    public TrainingOptions withCheckpointEvery(Duration v) {
        return edit(d -> d.checkpointEvery = v);
    }

    public TrainingOptions withValidationFraction(double v) {
        return edit(d -> d.validationFraction = v);
    }

    /** A copy with the changes {@code change} makes to a mutable draft, validated as a whole. */
    private TrainingOptions edit(Consumer<Draft> change) {
        Draft d = new Draft(this);
        change.accept(d);
        return d.build();
    }

    /** The fields, mutable, so each wither names only what it changes. */
    private static final class Draft {
        int batch;
        int accumulation;
        float learningRate;
        float minLearningRate;
        long warmupSteps;
        long steps;
        float weightDecay;
        float beta1;
        float beta2;
        float epsilon;
        float gradClip;
        long seed;
        long evalEvery;
        int evalBatches;
        Duration checkpointEvery;
        double validationFraction;

        Draft(TrainingOptions o) {
            batch = o.batch;
            accumulation = o.accumulation;
            learningRate = o.learningRate;
            minLearningRate = o.minLearningRate;
            warmupSteps = o.warmupSteps;
            steps = o.steps;
            weightDecay = o.weightDecay;
            beta1 = o.beta1;
            beta2 = o.beta2;
            epsilon = o.epsilon;
            gradClip = o.gradClip;
            seed = o.seed;
            evalEvery = o.evalEvery;
            evalBatches = o.evalBatches;
            checkpointEvery = o.checkpointEvery;
            validationFraction = o.validationFraction;
        }

        TrainingOptions build() {
            return new TrainingOptions(batch, accumulation, learningRate, minLearningRate, warmupSteps, steps,
                    weightDecay, beta1, beta2, epsilon, gradClip, seed, evalEvery, evalBatches, checkpointEvery,
                    validationFraction);
        }
    }

    private static boolean positive(float v) {
        return Float.isFinite(v) && v > 0;
    }

    private static void check(List<String> problems, boolean ok, String problem) {
        if (!ok) {
            problems.add(problem);
        }
    }
}
