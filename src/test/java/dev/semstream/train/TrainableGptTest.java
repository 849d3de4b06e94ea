package dev.semstream.train;

import dev.semstream.kernels.Kernels;
import dev.semstream.model.GptConfig;
import dev.semstream.model.GptModel;
import dev.semstream.model.TinyGpt;
import dev.semstream.model.load.GptParameters;
import dev.semstream.model.load.HfGpt2Checkpoint;
import dev.semstream.model.load.ModelParameter;
import dev.semstream.model.load.SafetensorsDtype;
import dev.semstream.model.load.TinyGptCheckpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the trainer relies on besides the gradients: parameters, initialisation, checkpoints, learning, determinism. */
class TrainableGptTest {
    private static final String TEXT = "In the beginning God created the heaven and the earth. And the earth was "
            + "without form, and void; and darkness was upon the face of the deep.";

    @Test
    void parametersFollowTheCheckpointOrderAndAreTheLiveWeights() {
        GptConfig config = new GptConfig(37, 8, 16, 2, 2, 1e-5f);
        TrainableGpt model = TrainableGpt.initialised(config, 1);
        List<ModelParameter<dev.semstream.model.GptWeights>> expected = GptParameters.of(config);
        List<Parameter> actual = model.parameters();
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            Parameter p = actual.get(i);
            assertEquals(expected.get(i).name(), p.name());
            assertTrue(expected.get(i).values().apply(model.weights()) == p.value(), p.name() + " is not live");
            assertEquals(expected.get(i).shape().length == 2, p.decayed(), p.name());
        }
        assertTrue(actual.get(0).decayed() && !actual.get(2).decayed(), "wte decays, ln_1.weight does not");
    }

    @Test
    void initialisationIsGpt2sAndDeterministicInTheSeed() {
        GptConfig config = new GptConfig(512, 64, 128, 4, 4, 1e-5f);
        TrainableGpt model = TrainableGpt.initialised(config, 42);
        for (Parameter p : model.parameters()) {
            if (p.name().endsWith("ln_1.weight") || p.name().endsWith("ln_2.weight") || p.name().equals("ln_f.weight")) {
                for (float v : p.value()) {
                    assertEquals(1f, v, p.name());
                }
            } else if (p.name().endsWith(".bias")) {
                for (float v : p.value()) {
                    assertEquals(0f, v, p.name());
                }
            } else {
                double std = p.name().endsWith("c_proj.weight") ? 0.02 / Math.sqrt(2 * 4) : 0.02;
                assertEquals(std, std(p.value()), std * 0.05, p.name());
            }
        }
        TrainableGpt same = TrainableGpt.initialised(config, 42);
        TrainableGpt other = TrainableGpt.initialised(config, 43);
        for (int i = 0; i < model.parameters().size(); i++) {
            assertArrayEquals(model.parameters().get(i).value(), same.parameters().get(i).value());
        }
        assertFalse(java.util.Arrays.equals(model.parameters().get(0).value(), other.parameters().get(0).value()));
    }

    @Test
    void savedAndLoadedWeightsGiveTheSameLogitsAsTheTrainersForwardPass(@TempDir Path dir) {
        GptConfig config = TinyGpt.configWithTokenizer();
        TrainableGpt model = TrainableGpt.initialised(config, 3);
        int[] tokens = ids(TEXT, config.vocabSize(), 40);
        // A few SGD steps first, so the weights are trained ones, not the initialisation.
        for (int step = 0; step < 5; step++) {
            sgdStep(model, tokens, 1, 39, 0.5f);
        }
        TinyGptCheckpoint.write(dir, config, model.weights(), SafetensorsDtype.F32, "transformer.");
        GptModel loaded = HfGpt2Checkpoint.load(dir).model(Kernels.best());
        int[] input = java.util.Arrays.copyOf(tokens, 39);
        float[] expected = loaded.appendAllLogits(loaded.newCache(input.length), input);
        float[] actual = model.logits(input, 1, input.length);
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-4f * Math.max(1, Math.abs(expected[i])), "logit " + i);
        }
        // of(...) copies: training the copy leaves the original as it was.
        TrainableGpt copy = TrainableGpt.of(config, model.weights());
        float before = model.parameters().get(0).value()[0];
        sgdStep(copy, tokens, 1, 39, 0.5f);
        assertEquals(before, model.parameters().get(0).value()[0]);
        assertNotEquals(before, copy.parameters().get(0).value()[0]);
    }

    @Test
    void plainSgdOverfitsAShortTextToNearZeroLoss() {
        GptConfig config = new GptConfig(64, 32, 32, 2, 2, 1e-5f);
        TrainableGpt model = TrainableGpt.initialised(config, 5);
        int batch = 4;
        int t = 32;
        int[] tokens = ids(TEXT, config.vocabSize(), batch * t + 1);
        float first = Float.NaN;
        float loss = Float.NaN;
        for (int step = 0; step < 400 && !(loss < 0.05f); step++) {
            loss = sgdStep(model, tokens, batch, t, 1.0f);
            if (step == 0) {
                first = loss;
            }
        }
        assertEquals(Math.log(64), first, 0.3, "an untrained model is near uniform over the vocabulary");
        assertTrue(loss < 0.05f, "loss after training: " + loss);
        int[] inputs = java.util.Arrays.copyOf(tokens, batch * t);
        int[] targets = java.util.Arrays.copyOfRange(tokens, 1, batch * t + 1);
        assertEquals(loss, model.loss(inputs, targets, batch, t), 0.05f, "the forward-only loss agrees");
    }

    @Test
    void twoRunsGiveTheSameBits() {
        GptConfig config = new GptConfig(97, 64, 48, 2, 4, 1e-5f);
        float[][] first = run(config);
        float[][] second = run(config);
        for (int i = 0; i < first.length; i++) {
            assertArrayEquals(first[i], second[i], "tensor " + i);
        }
    }

    @Test
    void oneThreadGivesTheSameBitsAsAllCores() {
        // A loop started from inside a Parallel task runs inline, so a step run as the one task of a loop runs
        // every op on one thread, in task order: the bits must be those of the step spread over all cores.
        GptConfig config = new GptConfig(97, 64, 48, 2, 4, 1e-5f);
        float[][] parallel = run(config);
        float[][][] single = new float[1][][];
        dev.semstream.kernels.Parallel.forEach(2, i -> {
            if (i == 0) {
                single[0] = run(config);
            }
        });
        for (int i = 0; i < parallel.length; i++) {
            assertArrayEquals(parallel[i], single[0][i], "tensor " + i);
        }
    }

    @Test
    void badInputsAreRefusedBeforeAnyWork() {
        TrainableGpt model = TrainableGpt.initialised(new GptConfig(37, 8, 16, 1, 2, 1e-5f), 1);
        int[] ok = new int[16];
        assertThrows(IllegalArgumentException.class, () -> model.forwardBackward(ok, ok, 1, 9, 1f));
        assertThrows(IllegalArgumentException.class, () -> model.forwardBackward(ok, ok, 3, 8, 1f));
        int[] bad = ok.clone();
        bad[3] = 37;
        assertThrows(IllegalArgumentException.class, () -> model.forwardBackward(ok, bad, 2, 8, 1f));
        assertThrows(IllegalArgumentException.class, () -> model.loss(bad, ok, 2, 8));
    }

    /** Three SGD steps on varying batches; returns every parameter's values and gradients, and the losses. */
    private static float[][] run(GptConfig config) {
        TrainableGpt model = TrainableGpt.initialised(config, 9);
        SplittableRandom rnd = new SplittableRandom(4);
        float[] losses = new float[3];
        for (int step = 0; step < 3; step++) {
            int[] tokens = rnd.ints(3 * 64 + 1, 0, config.vocabSize()).toArray();
            losses[step] = sgdStep(model, tokens, 3, 64, 0.1f);
        }
        // The last step's gradients are left in place (sgdStep zeroes them before, not after, its step).
        List<Parameter> ps = model.parameters();
        float[][] out = new float[2 * ps.size() + 1][];
        for (int i = 0; i < ps.size(); i++) {
            out[2 * i] = ps.get(i).value();
            out[2 * i + 1] = ps.get(i).grad();
        }
        out[out.length - 1] = losses;
        return out;
    }

    /** One step of plain SGD on windows cut from tokens; returns the loss before the step. */
    private static float sgdStep(TrainableGpt model, int[] tokens, int batch, int t, float lr) {
        int[] inputs = java.util.Arrays.copyOf(tokens, batch * t);
        int[] targets = java.util.Arrays.copyOfRange(tokens, 1, batch * t + 1);
        model.zeroGradients();
        float loss = model.forwardBackward(inputs, targets, batch, t, 1f);
        for (Parameter p : model.parameters()) {
            float[] v = p.value();
            float[] g = p.grad();
            for (int i = 0; i < v.length; i++) {
                v[i] -= lr * g[i];
            }
        }
        return loss;
    }

    /** The text's characters as token ids (modulo the vocabulary), repeated to n. */
    private static int[] ids(String text, int vocab, int n) {
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = text.charAt(i % text.length()) % vocab;
        }
        return ids;
    }

    private static double std(float[] v) {
        double sum = 0;
        double sq = 0;
        for (float x : v) {
            sum += x;
            sq += (double) x * x;
        }
        double mean = sum / v.length;
        return Math.sqrt(sq / v.length - mean * mean);
    }
}
