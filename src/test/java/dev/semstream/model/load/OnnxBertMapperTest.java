package dev.semstream.model.load;

import dev.semstream.model.BertConfig;
import dev.semstream.model.BertWeights;
import dev.semstream.model.ModelException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.OptionalInt;

import static dev.semstream.model.load.TestEncoders.TINY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Mapping hand-built graphs laid out like PyTorch exports, and the ways that mapping must refuse. */
class OnnxBertMapperTest {
    private static final BertWeights WEIGHTS = TestEncoders.random(TINY, 7, x -> x);

    private static OnnxBertMapper.Result map(OnnxBuilder b) {
        return OnnxBertMapper.map(OnnxModelReader.read(b.build(), "tiny.onnx").graph(), "tiny.onnx");
    }

    private static OnnxBuilder pytorchStyle() {
        return TinyBertOnnx.builder(TINY, WEIGHTS, TinyBertOnnx.Style.pytorch());
    }

    @Test
    void pytorchExportMapsEveryWeightAndReadsTheConfigOffTheGraph() {
        OnnxBertMapper.Result r = map(pytorchStyle());
        assertEquals(TINY, r.config()); // vocab, sizes from shapes; 4 heads and 1e-12 from operators
        TestEncoders.assertSameWeights(TINY, WEIGHTS, r.weights());
        assertEquals(List.of("embeddings.position_ids"), List.copyOf(r.ignored().keySet()));
    }

    @Test
    void typedFloatDataLoadsLikeRawData() {
        OnnxBertMapper.Result r = map(TinyBertOnnx.builder(TINY, WEIGHTS,
                new TinyBertOnnx.Style(true, false, false, true, "Erf")));
        TestEncoders.assertSameWeights(TINY, WEIGHTS, r.weights());
    }

    @Test
    void layerNormalizationOpsGiveTheirEpsilonAttribute() {
        BertConfig eps5 = new BertConfig(100, 32, 2, 4, 64, 16, 2, 1e-5f);
        OnnxBertMapper.Result r = OnnxBertMapper.map(OnnxModelReader.read(TinyBertOnnx.builder(eps5, WEIGHTS,
                new TinyBertOnnx.Style(false, true, false, true, "Erf")).build(), "t").graph(), "t");
        assertEquals(eps5, r.config());
    }

    @Test
    void gemmWithTransposedWeightsIsTransposedOnLoad() {
        OnnxBertMapper.Result r = map(TinyBertOnnx.builder(TINY, WEIGHTS,
                new TinyBertOnnx.Style(false, false, true, true, "Erf")));
        TestEncoders.assertSameWeights(TINY, WEIGHTS, r.weights());
    }

    @Test
    void headCountMustBeStatedByTheGraphOrGivenExplicitly() {
        OnnxBuilder silent = TinyBertOnnx.builder(TINY, WEIGHTS, new TinyBertOnnx.Style(false, false, false, false, "Erf"));
        ModelException e = assertThrows(ModelException.class, () -> map(silent));
        assertTrue(e.getMessage().contains("attention heads"), e.getMessage());
        OnnxGraph g = OnnxModelReader.read(silent.build(), "t").graph();
        OnnxBertMapper.Result withFallback = OnnxBertMapper.map(g, "t", OptionalInt.of(4));
        assertEquals(4, withFallback.config().numHeads());
        assertTrue(withFallback.configSources().get("numHeads").contains("fallback"));
        // When the graph does state it, the graph wins over a wrong fallback.
        OnnxGraph stated = OnnxModelReader.read(pytorchStyle().build(), "t").graph();
        assertEquals(4, OnnxBertMapper.map(stated, "t", OptionalInt.of(8)).config().numHeads());
    }

    @Test
    void anUnmappedWeightInitializerIsAnErrorThatNamesIt() {
        OnnxBuilder b = pytorchStyle();
        b.initializer("onnx::MatMul_999", OnnxBuilder.floatTensor("onnx::MatMul_999", new long[]{32, 32}, new float[32 * 32], true));
        b.node("MatMul", "MatMul_55", List.of("x", "onnx::MatMul_999"), List.of("mystery")); // no module path
        ModelException e = assertThrows(ModelException.class, () -> map(b));
        assertTrue(e.getMessage().contains("onnx::MatMul_999") && e.getMessage().contains("MatMul_55"), e.getMessage());
    }

    @Test
    void aWeightOfAModuleBertDoesNotHaveIsAnError() {
        OnnxBuilder b = pytorchStyle();
        b.initializer("pooler.dense.bias", OnnxBuilder.floatTensor("pooler.dense.bias", new long[]{32}, new float[32], true));
        ModelException e = assertThrows(ModelException.class, () -> map(b));
        assertTrue(e.getMessage().contains("pooler.dense.bias"), e.getMessage());
    }

    @Test
    void aMissingWeightIsAnErrorThatNamesIt() {
        OnnxBuilder b = pytorchStyle().removeInitializer("encoder.layer.1.output.LayerNorm.bias");
        ModelException e = assertThrows(ModelException.class, () -> map(b));
        assertTrue(e.getMessage().contains("encoder.layer.1.output.LayerNorm.bias"), e.getMessage());
    }

    @Test
    void aMissingMatMulWeightIsAnErrorThatNamesItsRole() {
        // onnx::MatMul_787 is the first Linear emitted: layer 0's query.
        OnnxBuilder b = pytorchStyle().removeInitializer("onnx::MatMul_787");
        ModelException e = assertThrows(ModelException.class, () -> map(b));
        assertTrue(e.getMessage().contains("encoder.layer.0.attention.self.query.weight"), e.getMessage());
    }

    @Test
    void aPositionIdBufferThatIsNotZeroToNIsRefused() {
        long[] offset = new long[TINY.maxPositions()];
        for (int i = 0; i < offset.length; i++) {
            offset[i] = i + 2; // RoBERTa-style numbering would silently read the wrong rows
        }
        OnnxBuilder b = pytorchStyle().initializer("embeddings.position_ids",
                OnnxBuilder.int64Tensor("embeddings.position_ids", new long[]{1, offset.length}, offset));
        ModelException e = assertThrows(ModelException.class, () -> map(b));
        assertTrue(e.getMessage().contains("position_ids"), e.getMessage());
    }

    @Test
    void quantizedWeightsAreRefused() {
        OnnxBuilder b = pytorchStyle();
        b.initializer("q8", new ProtoWriter().packedVarints(1, new long[]{4}).varint(2, OnnxDataType.INT8)
                .string(8, "q8").bytes(9, new byte[4]));
        ModelException e = assertThrows(ModelException.class, () -> map(b));
        assertTrue(e.getMessage().contains("INT8"), e.getMessage());
    }

    @Test
    void runtimeOptimizedGraphsAreRefused() {
        OnnxBuilder b = pytorchStyle();
        b.node("SkipLayerNormalization", "com.microsoft", "fused", List.of("a", "b"), List.of("c"));
        ModelException e = assertThrows(ModelException.class, () -> map(b));
        assertTrue(e.getMessage().contains("SkipLayerNormalization"), e.getMessage());
    }

    @Test
    void tanhApproximatedGeluIsRefused() {
        OnnxBuilder b = TinyBertOnnx.builder(TINY, WEIGHTS, new TinyBertOnnx.Style(false, false, false, true, "Tanh"));
        ModelException e = assertThrows(ModelException.class, () -> map(b));
        assertTrue(e.getMessage().contains("Tanh"), e.getMessage());
    }

    @Test
    void theBertPrefixOfTaskModelsIsAccepted() {
        OnnxBuilder b = pytorchStyle();
        float[] gamma = WEIGHTS.embeddingNorm().gamma();
        b.removeInitializer("embeddings.LayerNorm.weight");
        b.initializer("bert.embeddings.LayerNorm.weight",
                OnnxBuilder.floatTensor("bert.embeddings.LayerNorm.weight", new long[]{32}, gamma, true));
        TestEncoders.assertSameWeights(TINY, WEIGHTS, map(b).weights());
    }
}
