package dev.semstream.train;

import dev.semstream.model.GptConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Everything of a training run a checkpoint holds besides its tensors: the {@code state.json} of a checkpoint
 * directory. The tensors are in {@code weights.safetensors}, {@code adam-m.safetensors} and
 * {@code adam-v.safetensors}; with these they are all a resume needs, since the data order is a function of
 * (seed, step) and there is no other random state.
 *
 * @param step              steps completed (also AdamW's update count)
 * @param options           the run's options, which a resume keeps
 * @param config            the model's shape
 * @param corpusTokens      size of the corpus trained on
 * @param corpusFingerprint its {@link TokenCorpus#fingerprint}
 * @param steps             every step's loss so far
 * @param evaluations       every evaluation so far
 * @param elapsed           training wall time so far, all sessions together
 */
public record TrainingState(long step, TrainingOptions options, GptConfig config, long corpusTokens,
                            String corpusFingerprint, List<StepLoss> steps, List<EvaluationReport> evaluations,
                            Duration elapsed) {
    public TrainingState {
        steps = List.copyOf(steps);
        evaluations = List.copyOf(evaluations);
    }

    /**
     * Reads the state of the checkpoint in {@code checkpointDir} (after a crash between the two renames of a
     * checkpoint's replacement, the complete copy beside it), e.g. to show what a resume would continue.
     */
    public static TrainingState read(Path checkpointDir) {
        return TrainingCheckpoint.read(checkpointDir).state();
    }
}
