package dev.semstream.train;

import dev.semstream.model.GptConfig;
import dev.semstream.model.load.HfGpt2Checkpoint;
import dev.semstream.model.load.SafetensorsDtype;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The training loop, nanoGPT's {@code train.py} as a class: each step sums the gradients of
 * {@code accumulation} batches (each scaled by 1 / accumulation, so the step's gradient is the mean over all
 * its windows), clips their global norm, and takes an AdamW step at the schedule's rate. Every
 * {@code evalEvery} steps it measures the loss on fixed training and validation windows; every
 * {@code checkpointEvery} of wall time, at the end and when stopped, it writes a checkpoint that
 * {@link #resume} continues bit for bit: the weights, the optimizer's moments and the step are all the state
 * there is, because the windows of step n are a function of (seed, n) and the model's arithmetic does not
 * depend on thread timing.
 *
 * <p>Buffers are made once; a step allocates only its history entry and its report. One thread drives a trainer.
 */
public final class Trainer {
    private final TrainableGpt model;
    private final List<Parameter> parameters;
    private final TokenCorpus corpus;
    private final CorpusSplit split;
    private final TrainingOptions options;
    private final GptConfig config;
    private final Path checkpointDir;
    private final AdamW adam;
    private final LearningRateSchedule schedule;
    private final int sequenceLength;
    private final int[] stepStarts;
    private final int[] inputs;
    private final int[] targets;
    private final int[] trainEvaluationStarts;
    private final int[] validationEvaluationStarts;
    private final List<StepLoss> history;
    private final List<EvaluationReport> evaluations;
    /** Training wall time before the current {@link #run} call, earlier sessions included. */
    private Duration elapsedBefore;
    private long step;
    private long checkpointedStep;
    private boolean running;
    private long runStart;

    private Trainer(TrainableGpt model, TokenCorpus corpus, TrainingOptions options, Path checkpointDir, TrainingState resumed) {
        this.model = model;
        this.parameters = model.parameters();
        this.corpus = corpus;
        this.options = options;
        this.config = model.config();
        this.checkpointDir = checkpointDir;
        this.sequenceLength = config.contextLength();
        if (corpus.maxTokenId() >= config.vocabSize()) {
            throw new TrainingException("the corpus holds token id " + corpus.maxTokenId() + " but the model's vocabulary"
                    + " has only " + config.vocabSize() + " ids: tokenise it with the model's tokenizer, or give the"
                    + " model a larger vocabulary");
        }
        this.split = corpus.split(sequenceLength, options.validationFraction());
        this.adam = AdamW.of(parameters, options);
        this.schedule = LearningRateSchedule.of(options);
        this.stepStarts = new int[options.batch() * options.accumulation()];
        this.inputs = new int[options.batch() * sequenceLength];
        this.targets = new int[options.batch() * sequenceLength];
        int evaluationWindows = options.evalBatches() * options.batch();
        this.trainEvaluationStarts = split.evaluationTrainingStarts(options.seed(), evaluationWindows);
        this.validationEvaluationStarts = split.evaluationValidationStarts(evaluationWindows);
        this.history = new ArrayList<>(resumed == null ? List.of() : resumed.steps());
        this.evaluations = new ArrayList<>(resumed == null ? List.of() : resumed.evaluations());
        this.elapsedBefore = resumed == null ? Duration.ZERO : resumed.elapsed();
        this.step = resumed == null ? 0 : resumed.step();
        this.checkpointedStep = resumed == null ? -1 : resumed.step();
    }

    /**
     * A fresh run of {@code model} (initialised, or loaded for fine-tuning) on the corpus, checkpointing into
     * {@code checkpointDir}, which must be new or empty (each checkpoint replaces the whole directory). Nothing is
     * written until a checkpoint is due.
     */
    public static Trainer start(TrainableGpt model, TokenCorpus corpus, TrainingOptions options, Path checkpointDir) {
        if (TrainingCheckpoint.exists(checkpointDir)) {
            throw new TrainingException(checkpointDir + " already holds a training checkpoint (step "
                    + TrainingState.read(checkpointDir).step() + "): resume it, or give another directory");
        }
        TrainingCheckpoint.checkReplaceable(checkpointDir);
        return new Trainer(model, corpus, options, checkpointDir, null);
    }

    /**
     * Continues the run checkpointed in {@code checkpointDir} with its own options, exactly where it stopped.
     * The corpus must be the one it was trained on (same ids: same text, same tokenizer).
     */
    public static Trainer resume(Path checkpointDir, TokenCorpus corpus) {
        TrainingCheckpoint.Contents contents = TrainingCheckpoint.read(checkpointDir);
        TrainingState state = contents.state();
        if (state.corpusTokens() != corpus.size() || !state.corpusFingerprint().equals(corpus.fingerprint())) {
            throw new TrainingException("the checkpoint in " + checkpointDir + " was trained on a corpus of "
                    + state.corpusTokens() + " tokens (sha256 " + abbreviate(state.corpusFingerprint()) + "), this one has "
                    + corpus.size() + " tokens (sha256 " + abbreviate(corpus.fingerprint()) + "): resume with the same"
                    + " text and tokenizer, or start a new run");
        }
        if (state.step() > state.options().steps()) {
            throw new TrainingException(checkpointDir + ": state.json says step " + state.step() + " of a run of "
                    + state.options().steps() + " steps");
        }
        TrainableGpt model = TrainableGpt.initialised(state.config(), state.options().seed());
        Trainer trainer = new Trainer(model, corpus, state.options(), checkpointDir, state);
        TrainingCheckpoint.restore(contents, trainer.parameters, trainer.adam);
        return trainer;
    }

    /**
     * {@link #resume(Path, TokenCorpus)}, refusing a checkpoint made with other options or another model shape
     * than these (what a command line asked for), and naming every difference.
     */
    public static Trainer resume(Path checkpointDir, TokenCorpus corpus, TrainingOptions options, GptConfig config) {
        TrainingState state = TrainingState.read(checkpointDir);
        List<String> differences = new ArrayList<>(Differences.of(state.options(), options));
        differences.addAll(Differences.of(state.config(), config));
        if (!differences.isEmpty()) {
            throw new TrainingException("the checkpoint in " + checkpointDir + " was made with other settings: "
                    + String.join("; ", differences) + ". Resume with the checkpoint's settings, or start a new run");
        }
        return resume(checkpointDir, corpus);
    }

    /**
     * Trains until the last step or until {@code stopRequested} (asked between steps) says stop, then writes a
     * checkpoint and returns. Called again after a stop, it goes on.
     */
    public TrainingResult run(TrainingListener listener, BooleanSupplier stopRequested) {
        runStart = System.nanoTime();
        running = true;
        try {
            return train(listener, stopRequested);
        } finally {
            elapsedBefore = elapsed();
            running = false;
        }
    }

    private TrainingResult train(TrainingListener listener, BooleanSupplier stopRequested) {
        long lastCheckpoint = runStart;
        long sessionSteps = 0;
        long stepNanos = 0;
        if (step == 0 && evaluations.isEmpty()) {
            evaluate(listener);
        }
        // The ETA's clock starts after the first evaluation, which would otherwise weigh on the early estimates
        // as if every step took part of it; the later evaluations and checkpoints are counted in.
        long etaStart = System.nanoTime();
        while (step < options.steps()) {
            if (stopRequested.getAsBoolean()) {
                checkpoint(listener);
                return result(true);
            }
            long t0 = System.nanoTime();
            StepLoss loss = trainStep();
            long now = System.nanoTime();
            stepNanos += now - t0;
            sessionSteps++;
            history.add(loss);
            double secondsPerStep = (now - etaStart) / 1e9 / sessionSteps;
            listener.step(new StepReport(step, options.steps(), loss.trainLoss(), loss.learningRate(), loss.gradNorm(),
                    sessionSteps * (double) options.tokensPerStep(sequenceLength) / (stepNanos / 1e9), elapsed(),
                    Duration.ofMillis((long) (secondsPerStep * (options.steps() - step) * 1000))));
            if (step % options.evalEvery() == 0 || step == options.steps()) {
                evaluate(listener);
            }
            if (System.nanoTime() - lastCheckpoint >= options.checkpointEvery().toNanos()) {
                checkpoint(listener);
                lastCheckpoint = System.nanoTime();
            }
        }
        checkpoint(listener);
        return result(false);
    }

    /** One optimizer step on the windows of step {@code step}; advances the step count. */
    private StepLoss trainStep() {
        float learningRate = schedule.at(step);
        model.zeroGradients();
        split.trainingStarts(options.seed(), step, stepStarts);
        int batch = options.batch();
        float gradScale = 1f / options.accumulation();
        double lossSum = 0;
        for (int micro = 0; micro < options.accumulation(); micro++) {
            split.fill(stepStarts, micro * batch, batch, inputs, targets);
            lossSum += model.forwardBackward(inputs, targets, batch, sequenceLength, gradScale);
        }
        float loss = (float) (lossSum / options.accumulation());
        float norm = GradientClipping.clip(parameters, options.gradClip());
        if (!Float.isFinite(loss) || !Float.isFinite(norm)) {
            throw new TrainingException("training diverged at step " + (step + 1) + ": loss " + loss + ", gradient norm "
                    + norm + " at learning rate " + learningRate + "; resume from the last checkpoint with a lower"
                    + " learning rate or a longer warm-up");
        }
        adam.step(parameters, learningRate);
        step++;
        return new StepLoss(step, loss, learningRate, norm);
    }

    private void evaluate(TrainingListener listener) {
        float train = meanLoss(trainEvaluationStarts);
        float validation = validationEvaluationStarts.length == 0 ? Float.NaN : meanLoss(validationEvaluationStarts);
        EvaluationReport report = new EvaluationReport(step, train, validation);
        evaluations.add(report);
        listener.evaluated(report);
    }

    /** Mean loss over the windows, in batches of {@code batch}, weighted by window so a short last batch counts fairly. */
    private float meanLoss(int[] starts) {
        return meanLoss(model, starts);
    }

    private float meanLoss(TrainableGpt model, int[] starts) {
        double sum = 0;
        for (int from = 0; from < starts.length; from += options.batch()) {
            int count = Math.min(options.batch(), starts.length - from);
            split.fill(starts, from, count, inputs, targets);
            sum += (double) model.loss(inputs, targets, count, sequenceLength) * count;
        }
        return (float) (sum / starts.length);
    }

    private void checkpoint(TrainingListener listener) {
        if (checkpointedStep == step) {
            return;
        }
        TrainingCheckpoint.write(checkpointDir, state(), parameters, adam);
        checkpointedStep = step;
        listener.checkpointed(checkpointDir, step);
    }

    /**
     * Writes the model as a Hugging Face GPT-2 checkpoint (config.json, model.safetensors, and the vocab.json
     * and merges.txt copied from {@code tokenizerDir}) that {@code HfGpt2Checkpoint.load}, hence {@code run
     * --generator-model}, and Hugging Face transformers load.
     *
     * @param dtype F32 for the exact weights; BF16 or F16 halve the file
     */
    public void exportHuggingFace(Path dir, SafetensorsDtype dtype, Path tokenizerDir) {
        for (String f : List.of(HfGpt2Checkpoint.VOCAB_FILE, HfGpt2Checkpoint.MERGES_FILE)) {
            if (!Files.isRegularFile(tokenizerDir.resolve(f))) {
                throw new TrainingException("cannot export to " + dir + ": the tokenizer directory " + tokenizerDir
                        + " has no " + f);
            }
        }
        HfGpt2Checkpoint.write(dir, config, model.weights(), dtype, "", tokenizerDir);
    }

    /**
     * The model's mean loss over every validation window, not only the evaluation's sample: the figure to set
     * against {@link NgramBaselines#measure} of {@link #split()}, which scores the same windows. NaN when nothing
     * is held out. Forward passes over the whole held-out split: seconds to minutes.
     */
    public float fullValidationLoss() {
        return fullValidationLoss(model);
    }

    /**
     * {@link #fullValidationLoss()} of another model of this run's shape: the exported one, whose weights were
     * rounded to bf16 or f16, is the one a user is served.
     */
    public float fullValidationLoss(TrainableGpt other) {
        if (!other.config().equals(config)) {
            throw new TrainingException("a model of another shape (" + other.config() + ") than this run's (" + config + ")");
        }
        if (split.validationWindows() == 0) {
            return Float.NaN;
        }
        return meanLoss(other, split.evaluationValidationStarts(split.validationWindows()));
    }

    /** The model being trained, live. */
    public TrainableGpt model() {
        return model;
    }

    public TrainingOptions options() {
        return options;
    }

    /** Steps completed. */
    public long step() {
        return step;
    }

    /** The split the run trains and validates on (for baselines measured on the same validation windows). */
    public CorpusSplit split() {
        return split;
    }

    private TrainingState state() {
        return new TrainingState(step, options, config, corpus.size(), corpus.fingerprint(), history, evaluations,
                elapsed());
    }

    private TrainingResult result(boolean stopped) {
        return new TrainingResult(step, options.steps(), stopped, history, evaluations, elapsed(),
                step * options.tokensPerStep(sequenceLength));
    }

    private Duration elapsed() {
        return running ? elapsedBefore.plusNanos(System.nanoTime() - runStart) : elapsedBefore;
    }

    private static String abbreviate(String fingerprint) {
        return fingerprint.length() > 12 ? fingerprint.substring(0, 12) + "..." : fingerprint;
    }
}
