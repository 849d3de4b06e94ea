package dev.semstream.model.load;

import dev.semstream.model.ReferenceBert;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.semstream.model.BertConfig;
import dev.semstream.model.BertWeights;
import dev.semstream.model.ModelException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bundled all-MiniLM-L6-v2, loaded from the langchain4j jar's ONNX file. */
class DefaultModelTest {
    private static final BertConfig MINILM = new BertConfig(30522, 384, 6, 12, 1536, 512, 2, 1e-12f);
    /** Pinned so a change to the hash definition or to the loader's output cannot go unnoticed. */
    private static final String MINILM_ID = "all-MiniLM-L6-v2@f06bed2e54d1";

    private static LoadedEncoder model;
    private static byte[] onnxBytes;

    @BeforeAll
    static void load() {
        long start = System.nanoTime();
        model = EncoderModels.defaultModel();
        long loaded = System.nanoTime();
        String id = model.modelId();
        long hashed = System.nanoTime();
        System.out.printf("default model: loaded in %d ms, model id %s computed in %d ms%n",
                (loaded - start) / 1_000_000, id, (hashed - loaded) / 1_000_000);
        onnxBytes = EncoderModels.classpathResource(EncoderModels.DEFAULT_ONNX_RESOURCE, BundledModel.ALL_MINILM_L6_V2);
    }

    @Test
    void configIsReadFromTheGraph() {
        assertEquals(MINILM, model.config());
        assertEquals("all-MiniLM-L6-v2", model.name());
    }

    @Test
    void headsAndEpsilonComeFromTheGraphNotTheFallback() {
        OnnxModel onnx = OnnxModelReader.read(onnxBytes, "minilm");
        assertEquals("pytorch", onnx.producerName());
        assertEquals(11, onnx.opsetVersion());
        OnnxBertMapper.Result mapped = OnnxBertMapper.map(onnx.graph(), "minilm", OptionalInt.empty());
        assertEquals(MINILM, mapped.config());
        assertTrue(mapped.configSources().get("numHeads").startsWith("the graph"), mapped.configSources().toString());
        assertTrue(mapped.configSources().get("layerNormEps").contains("decomposed"), mapped.configSources().toString());
        // The one initializer that is not a weight; everything else (101 tensors) was consumed.
        assertEquals(1, mapped.ignored().size());
        assertTrue(mapped.ignored().containsKey("embeddings.position_ids"), mapped.ignored().toString());
        assertEquals(102, onnx.graph().initializers().size());
    }

    @Test
    void everyWeightHasTheShapeOfItsRole() {
        BertWeights w = model.weights();
        assertEquals(6, w.layers().size());
        assertEquals(30522 * 384, w.wordEmbeddings().length);
        assertEquals(512 * 384, w.positionEmbeddings().length);
        assertEquals(2 * 384, w.typeEmbeddings().length);
        for (BertWeights.Layer l : w.layers()) {
            assertEquals(384, l.query().in());
            assertEquals(384, l.query().out());
            assertEquals(384, l.intermediate().in());
            assertEquals(1536, l.intermediate().out());
            assertEquals(1536, l.output().in());
            assertEquals(384, l.output().out());
            assertEquals(384, l.outputNorm().size());
        }
        w.validate(MINILM);
    }

    /** Values read from the .onnx file by an independent decoder (Python, numpy.frombuffer on raw_data). */
    @Test
    void spotValuesMatchAnIndependentDecoder() {
        BertWeights w = model.weights();
        assertArrayEquals(new float[]{-0.01761939749121666f, -0.007600549608469009f, 0.047105543315410614f,
                -0.08691827207803726f}, Arrays.copyOfRange(w.wordEmbeddings(), 101 * 384, 101 * 384 + 4));
        assertEquals(0.004570063669234514f, w.wordEmbeddings()[30521 * 384 + 383]);
        assertEquals(-0.0230712890625f, w.positionEmbeddings()[511 * 384]);
        assertEquals(-0.0036411285400390625f, w.typeEmbeddings()[384 + 1]);
        // onnx::MatMul_787 is layer 0's query weight, [in][out].
        float[] q = w.layers().get(0).query().weight();
        assertArrayEquals(new float[]{-0.1486196219921112f, 0.035969655960798264f, -0.05976053699851036f,
                0.015408975072205067f}, Arrays.copyOfRange(q, 0, 4));
        assertEquals(-0.08523893356323242f, q[383 * 384 + 383]);
        // onnx::MatMul_864 is layer 5's output dense, [1536][384].
        float[] out = w.layers().get(5).output().weight();
        assertArrayEquals(new float[]{0.004542238544672728f, -0.00034844723995774984f, 0.04292132332921028f},
                Arrays.copyOfRange(out, 1535 * 384, 1535 * 384 + 3));
        assertArrayEquals(new float[]{-0.03630739822983742f, 0.06616555154323578f, 0.014946041628718376f},
                Arrays.copyOf(w.layers().get(5).outputNorm().beta(), 3));
    }

    /**
     * The strongest check of the mapping: a from-scratch forward pass over the loaded weights reproduces what
     * ONNX Runtime computes from the original file. A swapped query/key, an untransposed weight, a wrong head
     * count or epsilon would all show up here.
     */
    @Test
    void referenceForwardPassOverLoadedWeightsMatchesOnnxRuntime() throws Exception {
        int[][] sequences = {
                {101, 7592, 2088, 102},                                       // [CLS] hello world [SEP]
                {101, 1996, 4248, 2829, 4419, 14523, 2058, 1996, 13971, 3899, 1012, 102, 2009, 2001, 102},
        };
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(onnxBytes, new OrtSession.SessionOptions())) {
            for (int[] ids : sequences) {
                int[] types = new int[ids.length];
                for (int t = 12; t < ids.length; t++) {
                    types[t] = 1; // second segment in the longer input exercises the token-type table
                }
                float[][] ort = runOrt(env, session, ids, types);
                double[][] ref = ReferenceBert.forward(model.config(), model.weights(), ids, types);
                double worst = 0;
                for (int t = 0; t < ids.length; t++) {
                    for (int j = 0; j < 384; j++) {
                        worst = Math.max(worst, Math.abs(ref[t][j] - ort[t][j]));
                    }
                }
                assertTrue(worst < 1e-4, "max |reference - ORT| = " + worst + " for " + Arrays.toString(ids));
            }
        }
    }

    private static float[][] runOrt(OrtEnvironment env, OrtSession session, int[] ids, int[] types) throws Exception {
        long[][] inputIds = {Arrays.stream(ids).asLongStream().toArray()};
        long[][] mask = {new long[ids.length]};
        Arrays.fill(mask[0], 1);
        long[][] typeIds = {Arrays.stream(types).asLongStream().toArray()};
        try (OnnxTensor a = OnnxTensor.createTensor(env, inputIds);
             OnnxTensor b = OnnxTensor.createTensor(env, mask);
             OnnxTensor c = OnnxTensor.createTensor(env, typeIds);
             OrtSession.Result r = session.run(Map.of("input_ids", a, "attention_mask", b, "token_type_ids", c))) {
            return ((float[][][]) r.get(0).getValue())[0];
        }
    }

    @Test
    void modelIdIsPinned() {
        assertEquals(MINILM_ID, model.modelId());
    }

    @Test
    void safetensorsExportOfTheDefaultModelLoadsBackToTheSameId(@TempDir Path dir) {
        HfBertCheckpoint.write(dir, model, SafetensorsDtype.F32, "bert.");
        LoadedEncoder back = EncoderModels.fromHuggingFaceDir(dir);
        assertEquals(model.config(), back.config());
        assertEquals(model.modelId().substring(model.name().length()), back.modelId().substring(back.name().length()));
        TestEncoders.assertSameWeights(model.config(), model.weights(), back.weights());
    }

    @Test
    void tokenizerComesAlong() {
        String json = new String(model.tokenizerJson(), StandardCharsets.UTF_8);
        assertTrue(json.contains("\"WordPiece\""), json.substring(0, 200));
    }

    @Test
    void truncatedModelBytesAreAModelException() {
        for (int length : new int[]{1, 1000, onnxBytes.length / 2, onnxBytes.length - 1}) {
            byte[] cut = Arrays.copyOf(onnxBytes, length);
            ModelException e = assertThrows(ModelException.class, () -> OnnxModelReader.read(cut, "cut"));
            assertTrue(e.getMessage().contains("truncated") || e.getMessage().contains("no graph"), e.getMessage());
        }
    }

    @Test
    void fromOnnxReadsAFile(@TempDir Path dir) throws Exception {
        Path onnx = dir.resolve("model.onnx");
        Path tokenizer = dir.resolve("tokenizer.json");
        java.nio.file.Files.write(onnx, onnxBytes);
        java.nio.file.Files.write(tokenizer, model.tokenizerJson());
        LoadedEncoder fromFile = EncoderModels.fromOnnx(onnx, tokenizer, "all-MiniLM-L6-v2");
        assertEquals(MINILM_ID, fromFile.modelId());
        assertThrows(ModelException.class, () -> EncoderModels.fromOnnx(dir.resolve("absent.onnx"), tokenizer, "x"));
    }
}
