package dev.semstream.train;

import dev.semstream.kernels.Kernels;
import dev.semstream.model.GptConfig;
import dev.semstream.model.GptModel;
import dev.semstream.model.load.HfGpt2Checkpoint;
import dev.semstream.model.load.LoadedGpt;
import dev.semstream.model.load.SafetensorsDtype;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The training loop end to end on a tiny model and a short text. */
class TrainerTest {
    private static final GptConfig CONFIG = TinyCorpus.config();
    private static final TrainingOptions OPTIONS = TrainingOptions.defaults().withBatch(4).withAccumulation(2)
            .withSteps(40, 4).withLearningRates(3e-3f, 3e-4f).withEvaluation(10, 2).withCheckpointEvery(Duration.ofHours(1))
            .withValidationFraction(0.2);

    /**
     * The whole text is one window (context = its length - 1), so every next token is determined by what precedes
     * it and the loss can go to zero; with windows shorter than the text it could not (a window's first tokens
     * would be guessed from too little: 0.15 nats for this text with a context of 16).
     */
    @Test
    void overfitsAShortTextToNearZeroLoss(@TempDir Path dir) {
        TokenCorpus corpus = TinyCorpus.tokenised(dir.resolve("tokenizer"));
        GptConfig wholeText = new GptConfig(CONFIG.vocabSize(), corpus.size() - 1, 32, 2, 2, 1e-5f);
        TrainingOptions options = TrainingOptions.defaults().withBatch(1).withSteps(100, 10)
                .withLearningRates(1e-2f, 1e-3f).withWeightDecay(0f).withValidationFraction(0).withEvaluation(50, 1)
                .withCheckpointEvery(Duration.ofHours(1));
        Trainer trainer = Trainer.start(TrainableGpt.initialised(wholeText, 1), corpus, options, dir.resolve("ckpt"));
        TrainingResult result = trainer.run(TrainingListener.NONE, () -> false);
        EvaluationReport first = result.evaluations().get(0);
        EvaluationReport last = result.lastEvaluation();
        assertEquals(0, first.step());
        assertEquals(Math.log(CONFIG.vocabSize()), first.trainLoss(), 0.1, "an untrained model guesses uniformly");
        assertTrue(Float.isNaN(last.validationLoss()), "nothing held out");
        assertEquals(100, last.step());
        // 5.6 nats at the start; 0.0023 after 100 steps when this was written
        assertTrue(last.trainLoss() < 0.01, "memorised the text: " + last.trainLoss() + " nats per token");
        assertFalse(result.stopped());
        assertEquals(100, result.steps().size());
        assertEquals(100L * (corpus.size() - 1), result.tokensSeen());
    }

    @Test
    void aRunStoppedHalfWayAndResumedEndsWithTheSameBitsAsOneUnbrokenRun(@TempDir Path dir) throws Exception {
        TokenCorpus corpus = TinyCorpus.tokenised(dir.resolve("tokenizer"));
        Trainer straight = Trainer.start(TrainableGpt.initialised(CONFIG, 3), corpus, OPTIONS, dir.resolve("straight"));
        TrainingResult unbroken = straight.run(TrainingListener.NONE, () -> false);

        Trainer first = Trainer.start(TrainableGpt.initialised(CONFIG, 3), corpus, OPTIONS, dir.resolve("broken"));
        List<Long> checkpoints = new ArrayList<>();
        TrainingListener recorder = new TrainingListener() {
            @Override
            public void checkpointed(Path d, long step) {
                checkpoints.add(step);
            }
        };
        TrainingResult half = first.run(recorder, () -> first.step() >= 20);
        assertTrue(half.stopped());
        assertEquals(20, half.step());
        assertEquals(List.of(20L), checkpoints, "a stop writes a checkpoint");

        Trainer resumed = Trainer.resume(dir.resolve("broken"), new TokenCorpus(ids(corpus)));
        assertEquals(20, resumed.step());
        TrainingResult rest = resumed.run(recorder, () -> false);
        assertEquals(List.of(20L, 40L), checkpoints, "and so does the end");

        assertEquals(40, rest.step());
        assertEquals(unbroken.steps(), rest.steps(), "the same loss history, every float");
        assertEquals(unbroken.evaluations(), rest.evaluations());
        assertEquals(List.of(0L, 10L, 20L, 30L, 40L), rest.evaluations().stream().map(EvaluationReport::step).toList());
        List<Parameter> a = straight.model().parameters();
        List<Parameter> b = resumed.model().parameters();
        for (int p = 0; p < a.size(); p++) {
            assertArrayEquals(a.get(p).value(), b.get(p).value(), a.get(p).name());
        }
        for (String f : List.of("weights.safetensors", "adam-m.safetensors", "adam-v.safetensors")) {
            assertArrayEquals(Files.readAllBytes(dir.resolve("straight").resolve(f)),
                    Files.readAllBytes(dir.resolve("broken").resolve(f)), f);
        }
        assertTrue(rest.elapsed().compareTo(half.elapsed()) > 0, "wall time adds up over the sessions");
    }

    @Test
    void twoBatchesOfTwoAccumulatedGiveTheGradientOfOneBatchOfFour(@TempDir Path dir) {
        TokenCorpus corpus = TinyCorpus.tokenised(dir.resolve("tokenizer"));
        TrainingOptions base = OPTIONS.withSteps(1, 0).withGradClip(0f);
        Trainer four = Trainer.start(TrainableGpt.initialised(CONFIG, 5), corpus, base.withBatch(4).withAccumulation(1),
                dir.resolve("a"));
        Trainer twoByTwo = Trainer.start(TrainableGpt.initialised(CONFIG, 5), corpus,
                base.withBatch(2).withAccumulation(2), dir.resolve("b"));
        StepLoss one = four.run(TrainingListener.NONE, () -> false).steps().get(0);
        StepLoss accumulated = twoByTwo.run(TrainingListener.NONE, () -> false).steps().get(0);
        assertEquals(one.trainLoss(), accumulated.trainLoss(), 1e-5f, "the same four windows");
        assertEquals(one.gradNorm(), accumulated.gradNorm(), 1e-5f * one.gradNorm());
        List<Parameter> a = four.model().parameters();
        List<Parameter> b = twoByTwo.model().parameters();
        for (int p = 0; p < a.size(); p++) {
            float[] ga = a.get(p).grad();
            float[] gb = b.get(p).grad();
            float largest = 0;
            for (float g : ga) {
                largest = Math.max(largest, Math.abs(g));
            }
            // the mean over 4 x 16 positions, summed in another order: float rounding only
            assertArrayEquals(ga, gb, 1e-5f * largest + 1e-9f, a.get(p).name());
        }
    }

    @Test
    void reportsEveryStepEvaluationAndCheckpointToTheListener(@TempDir Path dir) {
        TokenCorpus corpus = TinyCorpus.tokenised(dir.resolve("tokenizer"));
        List<StepReport> steps = new ArrayList<>();
        List<EvaluationReport> evaluations = new ArrayList<>();
        Trainer trainer = Trainer.start(TrainableGpt.initialised(CONFIG, 3), corpus, OPTIONS.withSteps(25, 4),
                dir.resolve("ckpt"));
        TrainingResult result = trainer.run(new TrainingListener() {
            @Override
            public void step(StepReport r) {
                steps.add(r);
            }

            @Override
            public void evaluated(EvaluationReport r) {
                evaluations.add(r);
            }
        }, () -> false);
        assertEquals(25, steps.size());
        assertEquals(1, steps.get(0).step());
        assertEquals(25, steps.get(24).totalSteps());
        assertEquals(LearningRateSchedule.of(OPTIONS.withSteps(25, 4)).at(0), steps.get(0).learningRate());
        assertEquals(3e-4f, steps.get(24).learningRate(), 1e-9f, "the last step runs at the minimum");
        assertEquals(Duration.ZERO, steps.get(24).eta());
        assertTrue(steps.get(24).tokensPerSecond() > 0);
        assertEquals(List.of(0L, 10L, 20L, 25L), evaluations.stream().map(EvaluationReport::step).toList(),
                "at the start, every evalEvery steps and at the end");
        assertEquals(result.evaluations(), evaluations);
        for (EvaluationReport e : evaluations) {
            assertTrue(Float.isFinite(e.validationLoss()) && Float.isFinite(e.trainLoss()), e.toString());
        }
        assertTrue(Files.isRegularFile(dir.resolve("ckpt").resolve("state.json")));
        NgramBaselines baselines = NgramBaselines.measure(trainer.split(), CONFIG.vocabSize());
        float validation = trainer.fullValidationLoss();
        assertTrue(validation < baselines.unigram(), validation + " against " + baselines);
        assertEquals(25, TrainingState.read(dir.resolve("ckpt")).step());
    }

    @Test
    void aStopBeforeTheFirstStepCheckpointsStepZeroAndAFinishedRunDoesNothingMore(@TempDir Path dir) {
        TokenCorpus corpus = TinyCorpus.tokenised(dir.resolve("tokenizer"));
        Trainer trainer = Trainer.start(TrainableGpt.initialised(CONFIG, 3), corpus, OPTIONS.withSteps(3, 0),
                dir.resolve("ckpt"));
        TrainingResult stopped = trainer.run(TrainingListener.NONE, () -> true);
        assertTrue(stopped.stopped());
        assertEquals(0, stopped.step());
        assertEquals(0, TrainingState.read(dir.resolve("ckpt")).step());
        assertEquals(3, trainer.run(TrainingListener.NONE, () -> false).step(), "called again, it goes on");
        AtomicLong reports = new AtomicLong();
        TrainingResult again = Trainer.resume(dir.resolve("ckpt"), corpus).run(new TrainingListener() {
            @Override
            public void step(StepReport r) {
                reports.incrementAndGet();
            }
        }, () -> false);
        assertEquals(3, again.step());
        assertEquals(0, reports.get());
        assertEquals(3, again.steps().size());
    }

    @Test
    void theExportedCheckpointLoadsWithTheTrainedWeightsAndGivesTheTrainersLogits(@TempDir Path dir) throws Exception {
        TokenCorpus corpus = TinyCorpus.tokenised(dir.resolve("tokenizer"));
        Trainer trainer = Trainer.start(TrainableGpt.initialised(CONFIG, 3), corpus, OPTIONS.withSteps(5, 0),
                dir.resolve("ckpt"));
        trainer.run(TrainingListener.NONE, () -> false);
        trainer.exportHuggingFace(dir.resolve("hf"), SafetensorsDtype.F32, dir.resolve("tokenizer"));
        LoadedGpt loaded = HfGpt2Checkpoint.load(dir.resolve("hf"));
        assertEquals(CONFIG, loaded.config());
        assertArrayEquals(trainer.model().parameters().get(0).value(), loaded.weights().tokenEmbeddings());
        int[] ids = loaded.tokenizer().encode("And God said");
        GptModel served = loaded.model(Kernels.best());
        float[] last = served.append(served.newCache(ids.length), ids);
        float[] all = trainer.model().logits(ids, 1, ids.length);
        float[] trained = Arrays.copyOfRange(all, (ids.length - 1) * CONFIG.vocabSize(), all.length);
        assertArrayEquals(trained, last, 1e-4f);

        trainer.exportHuggingFace(dir.resolve("bf16"), SafetensorsDtype.BF16, dir.resolve("tokenizer"));
        assertTrue(Files.size(dir.resolve("bf16").resolve("model.safetensors"))
                < Files.size(dir.resolve("hf").resolve("model.safetensors")) * 0.6);
        TrainingException noTokenizer = assertThrows(TrainingException.class,
                () -> trainer.exportHuggingFace(dir.resolve("x"), SafetensorsDtype.F32, dir.resolve("ckpt")));
        assertTrue(noTokenizer.getMessage().contains("has no vocab.json"), noTokenizer.getMessage());
    }

    @Test
    void refusesToResumeOnAnotherCorpusOrWithOtherSettingsAndToStartOverACheckpoint(@TempDir Path dir) {
        TokenCorpus corpus = TinyCorpus.tokenised(dir.resolve("tokenizer"));
        Path ckpt = dir.resolve("ckpt");
        Trainer.start(TrainableGpt.initialised(CONFIG, 3), corpus, OPTIONS.withSteps(2, 0), ckpt)
                .run(TrainingListener.NONE, () -> false);
        int[] other = ids(corpus);
        other[7] = (other[7] + 1) % CONFIG.vocabSize();
        TrainingException wrongCorpus = assertThrows(TrainingException.class,
                () -> Trainer.resume(ckpt, new TokenCorpus(other)));
        assertTrue(wrongCorpus.getMessage().startsWith("the checkpoint in " + ckpt + " was trained on a corpus of "
                + corpus.size() + " tokens (sha256 " + corpus.fingerprint().substring(0, 12) + "...), this one has "
                + corpus.size() + " tokens"), wrongCorpus.getMessage());

        TrainingException otherSettings = assertThrows(TrainingException.class, () -> Trainer.resume(ckpt, corpus,
                OPTIONS.withSteps(2, 0).withLearningRates(1e-3f, 3e-4f),
                new GptConfig(CONFIG.vocabSize(), 16, 32, 3, 2, 1e-5f)));
        assertEquals("the checkpoint in " + ckpt + " was made with other settings: learningRate 0.003 in the checkpoint,"
                + " 0.001 given; layers 2 in the checkpoint, 3 given. Resume with the checkpoint's settings, or start a"
                + " new run", otherSettings.getMessage());
        assertEquals(2, Trainer.resume(ckpt, corpus, OPTIONS.withSteps(2, 0), CONFIG).step());

        TrainingException occupied = assertThrows(TrainingException.class,
                () -> Trainer.start(TrainableGpt.initialised(CONFIG, 3), corpus, OPTIONS, ckpt));
        assertEquals(ckpt + " already holds a training checkpoint (step 2): resume it, or give another directory",
                occupied.getMessage());
        TrainingException notOurs = assertThrows(TrainingException.class,
                () -> Trainer.start(TrainableGpt.initialised(CONFIG, 3), corpus, OPTIONS, dir.resolve("tokenizer")));
        assertTrue(notOurs.getMessage().contains("it holds other files"), "refused before any training");
        TrainingException none = assertThrows(TrainingException.class, () -> Trainer.resume(dir.resolve("nothing"), corpus));
        assertTrue(none.getMessage().startsWith("no training checkpoint in "), none.getMessage());
    }

    @Test
    void refusesACorpusWithIdsOutsideTheModelsVocabulary(@TempDir Path dir) {
        int[] ids = new int[400];
        Arrays.setAll(ids, i -> i % 300);
        TrainingException e = assertThrows(TrainingException.class, () -> Trainer.start(
                TrainableGpt.initialised(CONFIG, 3), new TokenCorpus(ids), OPTIONS, dir.resolve("ckpt")));
        assertEquals("the corpus holds token id 299 but the model's vocabulary has only 267 ids: tokenise it with the"
                + " model's tokenizer, or give the model a larger vocabulary", e.getMessage());
    }

    private static int[] ids(TokenCorpus corpus) {
        int[] ids = new int[corpus.size()];
        Arrays.setAll(ids, corpus::token);
        return ids;
    }
}
