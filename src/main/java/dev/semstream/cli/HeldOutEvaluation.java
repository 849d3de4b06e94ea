package dev.semstream.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.semstream.model.load.HfGpt2Checkpoint;
import dev.semstream.model.load.LoadedGpt;
import dev.semstream.train.NgramBaselines;
import dev.semstream.train.TrainableGpt;
import dev.semstream.train.Trainer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * evaluation.json in a finished run's directory: the exported model's loss on every held-out window (the weights
 * as written, bf16 rounding and all, since that is the model a user is served) against a unigram and a bigram
 * model counted on the training side and scored on the same windows. The figures a model card quotes.
 *
 * @param validationLoss   the exported model's mean cross-entropy over every validation window, nats per token
 * @param validationTokens how many next-token predictions that mean is over
 * @param unigramLoss      {@link NgramBaselines#unigram()} on the same predictions
 * @param bigramLoss       {@link NgramBaselines#bigram()} on the same predictions
 */
record HeldOutEvaluation(double validationLoss, long validationTokens, double unigramLoss, double bigramLoss) {
    static final String FILE = "evaluation.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Scores the model exported into {@code dir} on the trainer's validation split. */
    static HeldOutEvaluation of(Trainer trainer, Path dir) {
        LoadedGpt exported = HfGpt2Checkpoint.load(dir);
        float loss = trainer.fullValidationLoss(TrainableGpt.of(exported.config(), exported.weights()));
        NgramBaselines baselines = NgramBaselines.measure(trainer.split(), exported.config().vocabSize());
        return new HeldOutEvaluation(loss, baselines.validationTargets(), baselines.unigram(), baselines.bigram());
    }

    String summary() {
        return String.format(Locale.ROOT, "on all %,d held-out tokens: validation loss %.4f; a unigram model %.4f, "
                + "a bigram model %.4f", validationTokens, validationLoss, unigramLoss, bigramLoss);
    }

    void write(Path dir) {
        try {
            JSON.writeValue(dir.resolve(FILE).toFile(), this);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve(FILE), e);
        }
    }
}
