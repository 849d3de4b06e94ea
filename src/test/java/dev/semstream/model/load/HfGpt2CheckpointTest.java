package dev.semstream.model.load;

import dev.semstream.kernels.Kernels;
import dev.semstream.model.GptConfig;
import dev.semstream.model.GptModel;
import dev.semstream.model.GptWeights;
import dev.semstream.model.ModelException;
import dev.semstream.model.TinyGpt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** GPT-2 checkpoint directories written by the test itself: round trips, name variants, and every error. */
class HfGpt2CheckpointTest {
    private static final GptConfig CONFIG = TinyGpt.configWithTokenizer();
    private static final GptWeights WEIGHTS = TinyGpt.weights(CONFIG, 3);

    @Test
    void loadsWhatWasWrittenWithTheSameNumbersAndLogits(@TempDir Path dir) {
        TinyGptCheckpoint.write(dir, CONFIG, WEIGHTS, SafetensorsDtype.F32, "transformer.");
        LoadedGpt loaded = HfGpt2Checkpoint.load(dir, "tiny");
        assertEquals(CONFIG, loaded.config());
        assertArrayEquals(WEIGHTS.tokenEmbeddings(), loaded.weights().tokenEmbeddings());
        assertArrayEquals(WEIGHTS.layers().get(1).mlpDown().weight(), loaded.weights().layers().get(1).mlpDown().weight());
        assertTrue(loaded.modelId().matches("tiny@[0-9a-f]{12}"), loaded.modelId());
        assertEquals(ModelIds.gpt2("tiny", CONFIG, WEIGHTS), loaded.modelId());
        int[] ids = loaded.tokenizer().encode("the answer");
        GptModel direct = new GptModel(CONFIG, WEIGHTS, Kernels.best());
        assertArrayEquals(direct.append(direct.newCache(ids.length), ids),
                loaded.model(Kernels.best()).append(direct.newCache(ids.length), ids));
    }

    @Test
    void namesWithAndWithoutPrefixLoadToTheSameId(@TempDir Path dir) {
        TinyGptCheckpoint.write(dir.resolve("a"), CONFIG, WEIGHTS, SafetensorsDtype.F32, "transformer.");
        TinyGptCheckpoint.write(dir.resolve("b"), CONFIG, WEIGHTS, SafetensorsDtype.F32, "");
        assertEquals(HfGpt2Checkpoint.load(dir.resolve("a"), "m").modelId(), HfGpt2Checkpoint.load(dir.resolve("b"), "m").modelId());
        assertEquals("a", HfGpt2Checkpoint.load(dir.resolve("a")).name(), "named after the directory by default");
    }

    @Test
    void halfPrecisionWeightsLoadAndDifferentWeightsGetDifferentIds(@TempDir Path dir) {
        TinyGptCheckpoint.write(dir.resolve("f16"), CONFIG, WEIGHTS, SafetensorsDtype.F16, "");
        TinyGptCheckpoint.write(dir.resolve("bf16"), CONFIG, WEIGHTS, SafetensorsDtype.BF16, "");
        LoadedGpt f16 = HfGpt2Checkpoint.load(dir.resolve("f16"), "m");
        LoadedGpt bf16 = HfGpt2Checkpoint.load(dir.resolve("bf16"), "m");
        assertEquals(WEIGHTS.tokenEmbeddings()[5], f16.weights().tokenEmbeddings()[5], 2e-3);
        assertEquals(WEIGHTS.tokenEmbeddings()[5], bf16.weights().tokenEmbeddings()[5], 2e-2);
        assertNotEquals(f16.modelId(), bf16.modelId());
        // F16 values written again as F32 are the same numbers: the id follows the numbers, not the file.
        TinyGptCheckpoint.write(dir.resolve("again"), CONFIG, f16.weights(), SafetensorsDtype.F32, "");
        assertEquals(f16.modelId(), HfGpt2Checkpoint.load(dir.resolve("again"), "m").modelId());
    }

    @Test
    void maskBuffersAndATiedLmHeadAreSkipped(@TempDir Path dir) {
        rewrite(dir, w -> w
                .add("h.0.attn.bias", SafetensorsDtype.F32, new long[]{1, 1, 4, 4}, new float[16])
                .add("h.1.attn.masked_bias", SafetensorsDtype.F32, new long[]{}, new float[]{-1e4f})
                .add("lm_head.weight", SafetensorsDtype.F32, new long[]{CONFIG.vocabSize(), CONFIG.dim()},
                        WEIGHTS.tokenEmbeddings()));
        assertEquals(ModelIds.gpt2("m", CONFIG, WEIGHTS), HfGpt2Checkpoint.load(dir, "m").modelId());
    }

    @Test
    void anUntiedLmHeadIsRefused(@TempDir Path dir) {
        rewrite(dir, w -> w.add("lm_head.weight", SafetensorsDtype.F32, new long[]{3, CONFIG.dim()},
                new float[3 * CONFIG.dim()]));
        assertMessage(dir, "lm_head.weight", "not tied");
    }

    @Test
    void missingUnexpectedAndMisshapenTensorsAreNamed(@TempDir Path dir) {
        writeWithout(dir.resolve("missing"), "h.1.mlp.c_fc.bias");
        assertMessage(dir.resolve("missing"), "missing tensors", "h.1.mlp.c_fc.bias[128]");

        rewrite(dir.resolve("extra"), w -> w.add("h.0.attn.rotary", SafetensorsDtype.F32, new long[]{2}, new float[2]));
        assertMessage(dir.resolve("extra"), "tensors the decoder does not use", "h.0.attn.rotary");

        writeReplacing(dir.resolve("shape"), "h.0.attn.c_attn.weight", new long[]{3 * CONFIG.dim(), CONFIG.dim()});
        assertMessage(dir.resolve("shape"), "h.0.attn.c_attn.weight", "[96, 32]", "expected [32, 96]");
    }

    @Test
    void configErrorsNameTheKey(@TempDir Path dir) throws Exception {
        TinyGptCheckpoint.write(dir, 1);
        Path config = dir.resolve("config.json");
        String original = Files.readString(config);
        Files.writeString(config, original.replace("\"n_embd\"", "\"n_embd_renamed\""));
        assertMessage(dir, "lacks 'n_embd'");
        Files.writeString(config, original.replace("\"gelu_new\"", "\"relu\""));
        assertMessage(dir, "activation_function 'relu'");
        Files.writeString(config, original.replace("\"n_inner\" : null", "\"n_inner\" : 100"));
        assertMessage(dir, "n_inner 100");
        Files.writeString(config, original.replace("\"n_head\" : 4", "\"n_head\" : 5"));
        assertMessage(dir, "not divisible by heads 5");
        Files.writeString(config, original.replace("\"gpt2\"", "\"llama\""));
        assertMessage(dir, "model_type 'llama'");
    }

    @Test
    void missingFilesAreClearErrors(@TempDir Path dir) throws Exception {
        assertMessage(dir.resolve("nowhere"), "directory not found");
        TinyGptCheckpoint.write(dir, 1);
        Files.delete(dir.resolve("merges.txt"));
        assertMessage(dir, "merges.txt not found");
        Files.delete(dir.resolve("model.safetensors"));
        assertMessage(dir, "model.safetensors not found");
    }

    @Test
    void aTokenizerLargerThanTheModelIsRefused(@TempDir Path dir) throws Exception {
        TinyGptCheckpoint.write(dir, 1);
        String vocab = Files.readString(dir.resolve("vocab.json"));
        Files.writeString(dir.resolve("vocab.json"), vocab.substring(0, vocab.lastIndexOf('}'))
                + ",\"extra\":" + CONFIG.vocabSize() + "}", StandardCharsets.UTF_8);
        assertMessage(dir, "tokenizer has " + (CONFIG.vocabSize() + 1) + " ids");
    }

    private static void assertMessage(Path dir, String... parts) {
        ModelException e = assertThrows(ModelException.class, () -> HfGpt2Checkpoint.load(dir));
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "'" + p + "' not in: " + e.getMessage());
        }
    }

    /** Every tensor as written, plus whatever {@code extra} adds. */
    private static void rewrite(Path dir, Consumer<SafetensorsWriter> extra) {
        TinyGptCheckpoint.write(dir, CONFIG, WEIGHTS, SafetensorsDtype.F32, "");
        SafetensorsWriter w = new SafetensorsWriter();
        for (ModelParameter<GptWeights> p : GptParameters.of(CONFIG)) {
            w.add(p.name(), SafetensorsDtype.F32, p.torchShape(), p.values().apply(WEIGHTS));
        }
        extra.accept(w);
        w.write(dir.resolve("model.safetensors"));
    }

    private static void writeWithout(Path dir, String name) {
        writeTensors(dir, Map.of(name, new long[0]));
    }

    private static void writeReplacing(Path dir, String name, long[] shape) {
        writeTensors(dir, Map.of(name, shape));
    }

    /** Writes every tensor; one named in {@code changes} is dropped (empty shape) or given another shape. */
    private static void writeTensors(Path dir, Map<String, long[]> changes) {
        TinyGptCheckpoint.write(dir, CONFIG, WEIGHTS, SafetensorsDtype.F32, "");
        SafetensorsWriter w = new SafetensorsWriter();
        for (ModelParameter<GptWeights> p : GptParameters.of(CONFIG)) {
            long[] shape = changes.getOrDefault(p.name(), p.torchShape());
            if (shape.length == 0) {
                continue;
            }
            float[] v = p.values().apply(WEIGHTS);
            w.add(p.name(), SafetensorsDtype.F32, shape, Arrays.copyOf(v, (int) Arrays.stream(shape).reduce(1, (a, b) -> a * b)));
        }
        w.write(dir.resolve("model.safetensors"));
    }
}
