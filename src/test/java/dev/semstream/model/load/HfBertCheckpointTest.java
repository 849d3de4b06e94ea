package dev.semstream.model.load;

import dev.semstream.model.BertWeights;
import dev.semstream.model.ModelException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static dev.semstream.model.load.TestEncoders.TINY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hugging Face checkpoint directories: round trips in every float width, and every way one can be wrong. */
class HfBertCheckpointTest {
    private static final LoadedEncoder TINY_ENCODER = TestEncoders.tiny(11);

    /** A tensor as PyTorch stores it (Linear weights [out, in]). */
    private record Torch(long[] shape, float[] values) {
    }

    @Test
    void f32CheckpointWithBertPrefixLoadsBackExactly(@TempDir Path dir) {
        HfBertCheckpoint.write(dir, TINY_ENCODER, SafetensorsDtype.F32, "bert.");
        LoadedEncoder back = EncoderModels.fromHuggingFaceDir(dir);
        TestEncoders.assertSameEncoder(TINY_ENCODER, back);
        assertEquals(dir.getFileName().toString(), back.name());
        assertEquals(idDigest(TINY_ENCODER), idDigest(back));
    }

    @Test
    void halfPrecisionCheckpointsLoadBackExactlyWhenTheWeightsAreRepresentable(@TempDir Path dir) {
        for (SafetensorsDtype dtype : new SafetensorsDtype[]{SafetensorsDtype.F16, SafetensorsDtype.BF16}) {
            LoadedEncoder source = new LoadedEncoder("half", TINY, TestEncoders.random(TINY, 5,
                    dtype == SafetensorsDtype.F16 ? TestEncoders::roundToF16 : TestEncoders::roundToBf16),
                    TestEncoders.TOKENIZER);
            Path sub = dir.resolve(dtype.name());
            HfBertCheckpoint.write(sub, source, dtype, "");
            LoadedEncoder back = HfBertCheckpoint.load(sub, "half");
            TestEncoders.assertSameEncoder(source, back);
            assertEquals(source.modelId(), back.modelId());
        }
    }

    @Test
    void halfPrecisionOfArbitraryWeightsIsCloseButADifferentModel(@TempDir Path dir) {
        HfBertCheckpoint.write(dir, TINY_ENCODER, SafetensorsDtype.F16, "");
        LoadedEncoder back = HfBertCheckpoint.load(dir, "tiny");
        float[] a = TINY_ENCODER.weights().layers().get(1).intermediate().weight();
        float[] b = back.weights().layers().get(1).intermediate().weight();
        for (int i = 0; i < a.length; i++) {
            assertEquals(a[i], b[i], Math.abs(a[i]) * 1e-3 + 1e-7);
        }
        assertTrue(!TINY_ENCODER.modelId().equals(back.modelId()), "rounded weights must not share the id");
    }

    @Test
    void taskHeadsAndThePositionIdBufferAreSkipped(@TempDir Path dir) {
        Map<String, Torch> t = torchTensors(TINY_ENCODER, "bert.");
        t.put("bert.embeddings.position_ids", new Torch(new long[]{1, 16}, new float[16]));
        t.put("bert.pooler.dense.weight", new Torch(new long[]{32, 32}, new float[32 * 32]));
        t.put("bert.pooler.dense.bias", new Torch(new long[]{32}, new float[32]));
        t.put("cls.predictions.bias", new Torch(new long[]{100}, new float[100]));
        writeCheckpoint(dir, t);
        TestEncoders.assertSameEncoder(TINY_ENCODER, EncoderModels.fromHuggingFaceDir(dir));
    }

    @Test
    void tensorflowStyleGammaAndBetaNamesAreAccepted(@TempDir Path dir) {
        Map<String, Torch> t = new LinkedHashMap<>();
        torchTensors(TINY_ENCODER, "").forEach((name, v) ->
                t.put(name.replace("LayerNorm.weight", "LayerNorm.gamma").replace("LayerNorm.bias", "LayerNorm.beta"), v));
        writeCheckpoint(dir, t);
        TestEncoders.assertSameEncoder(TINY_ENCODER, EncoderModels.fromHuggingFaceDir(dir));
    }

    @Test
    void missingFilesAreNamed(@TempDir Path dir) throws IOException {
        ModelException e = assertThrows(ModelException.class, () -> EncoderModels.fromHuggingFaceDir(dir.resolve("nowhere")));
        assertTrue(e.getMessage().contains("nowhere"), e.getMessage());

        HfBertCheckpoint.write(dir, TINY_ENCODER, SafetensorsDtype.F32, "");
        for (String file : new String[]{"tokenizer.json", "model.safetensors", "config.json"}) {
            Files.delete(dir.resolve(file));
            e = assertThrows(ModelException.class, () -> EncoderModels.fromHuggingFaceDir(dir));
            assertTrue(e.getMessage().contains(file), file + ": " + e.getMessage());
        }
    }

    @Test
    void aMissingTensorIsNamed(@TempDir Path dir) {
        Map<String, Torch> t = torchTensors(TINY_ENCODER, "bert.");
        t.remove("bert.encoder.layer.1.attention.self.key.bias");
        writeCheckpoint(dir, t);
        ModelException e = assertThrows(ModelException.class, () -> EncoderModels.fromHuggingFaceDir(dir));
        assertTrue(e.getMessage().contains("encoder.layer.1.attention.self.key.bias")
                && e.getMessage().contains("model.safetensors"), e.getMessage());
    }

    @Test
    void aWrongShapeIsNamed(@TempDir Path dir) {
        Map<String, Torch> t = torchTensors(TINY_ENCODER, "");
        // Stored [in, out] instead of PyTorch's [out, in]: same size, wrong layout.
        t.put("encoder.layer.0.intermediate.dense.weight", new Torch(new long[]{32, 64}, new float[32 * 64]));
        writeCheckpoint(dir, t);
        ModelException e = assertThrows(ModelException.class, () -> EncoderModels.fromHuggingFaceDir(dir));
        assertTrue(e.getMessage().contains("encoder.layer.0.intermediate.dense.weight")
                && e.getMessage().contains("[32, 64]") && e.getMessage().contains("[64, 32]"), e.getMessage());
    }

    @Test
    void anUnknownDtypeIsNamed(@TempDir Path dir) throws IOException {
        HfBertCheckpoint.write(dir, TINY_ENCODER, SafetensorsDtype.F32, "");
        // Same byte count, a dtype nobody knows: patch the header in place.
        Path weights = dir.resolve("model.safetensors");
        String bytes = new String(Files.readAllBytes(weights), StandardCharsets.ISO_8859_1);
        String entry = "\"embeddings.LayerNorm.bias\":{\"dtype\":\"F32\"";
        assertTrue(bytes.contains(entry));
        Files.write(weights, bytes.replace(entry, entry.replace("F32", "X32")).getBytes(StandardCharsets.ISO_8859_1));
        ModelException e = assertThrows(ModelException.class, () -> EncoderModels.fromHuggingFaceDir(dir));
        assertTrue(e.getMessage().contains("X32") && e.getMessage().contains("embeddings.LayerNorm.bias"), e.getMessage());
    }

    @Test
    void tensorsTheEncoderDoesNotUseAreAnError(@TempDir Path dir) {
        Map<String, Torch> t = torchTensors(TINY_ENCODER, "");
        t.put("classifier.weight", new Torch(new long[]{2, 32}, new float[64]));
        writeCheckpoint(dir, t);
        ModelException e = assertThrows(ModelException.class, () -> EncoderModels.fromHuggingFaceDir(dir));
        assertTrue(e.getMessage().contains("classifier.weight"), e.getMessage());
    }

    @Test
    void theSameTensorWithAndWithoutPrefixIsAnError(@TempDir Path dir) {
        Map<String, Torch> t = torchTensors(TINY_ENCODER, "");
        t.put("bert.embeddings.LayerNorm.bias", t.get("embeddings.LayerNorm.bias"));
        writeCheckpoint(dir, t);
        ModelException e = assertThrows(ModelException.class, () -> EncoderModels.fromHuggingFaceDir(dir));
        assertTrue(e.getMessage().contains("embeddings.LayerNorm.bias"), e.getMessage());
    }

    @Test
    void configsTheEngineCannotRunAreRefused(@TempDir Path dir) throws IOException {
        HfBertCheckpoint.write(dir, TINY_ENCODER, SafetensorsDtype.F32, "");
        Path config = dir.resolve("config.json");
        String good = Files.readString(config);
        Map<String, String> patches = Map.of(
                "\"hidden_act\" : \"gelu_new\"", "gelu_new",
                "\"position_embedding_type\" : \"relative_key\"", "relative_key",
                "\"model_type\" : \"roberta\"", "roberta",
                "\"num_attention_heads\" : 5", "not divisible");
        for (Map.Entry<String, String> p : patches.entrySet()) {
            String key = p.getKey().substring(0, p.getKey().indexOf(':'));
            String patched = good.replaceAll(java.util.regex.Pattern.quote(key) + ": [^,\\n]+", p.getKey());
            assertTrue(!patched.equals(good), "patch " + p.getKey() + " did not apply to " + good);
            Files.writeString(config, patched);
            ModelException e = assertThrows(ModelException.class, () -> EncoderModels.fromHuggingFaceDir(dir));
            assertTrue(e.getMessage().contains(p.getValue()) && e.getMessage().contains("config.json"), e.getMessage());
        }
        Files.writeString(config, good.replaceAll("\\s*\"hidden_size\" : \\d+,", ""));
        ModelException e = assertThrows(ModelException.class, () -> EncoderModels.fromHuggingFaceDir(dir));
        assertTrue(e.getMessage().contains("hidden_size"), e.getMessage());
        Files.writeString(config, "not json");
        assertThrows(ModelException.class, () -> EncoderModels.fromHuggingFaceDir(dir));
    }

    @Test
    void configDefaultsFollowHuggingFace(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("config.json"), "{\"vocab_size\": 100, \"hidden_size\": 32,"
                + " \"num_hidden_layers\": 2, \"num_attention_heads\": 4, \"intermediate_size\": 64,"
                + " \"max_position_embeddings\": 16}");
        assertEquals(TINY, HfBertConfigJson.read(dir.resolve("config.json")));
    }

    private static String idDigest(LoadedEncoder e) {
        return e.modelId().substring(e.name().length() + 1);
    }

    private static Map<String, Torch> torchTensors(LoadedEncoder e, String prefix) {
        Map<String, Torch> out = new LinkedHashMap<>();
        for (ModelParameter<BertWeights> p : BertParameters.of(e.config())) {
            out.put(prefix + p.name(), new Torch(p.torchShape(), p.torchValues(e.weights())));
        }
        return out;
    }

    private static void writeCheckpoint(Path dir, Map<String, Torch> tensors) {
        HfBertConfigJson.write(dir.resolve("config.json"), TINY_ENCODER.config());
        SafetensorsWriter w = new SafetensorsWriter();
        tensors.forEach((name, t) -> w.add(name, SafetensorsDtype.F32, t.shape(), t.values()));
        w.write(dir.resolve("model.safetensors"));
        try {
            Files.write(dir.resolve("tokenizer.json"), TINY_ENCODER.tokenizerJson());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
