package dev.semstream.model.load;

import dev.semstream.model.BertConfig;
import dev.semstream.model.BertWeights;
import dev.semstream.model.Linear;
import dev.semstream.model.Norm;

import java.util.List;

/**
 * Builds an ONNX graph laid out the way torch.onnx.export (2.x, opset 11) lays out a BertModel: named
 * embeddings, norms and biases; Linear weights pre-transposed under {@code onnx::MatMul_N} names read by
 * MatMul nodes named after their module; decomposed layer norms with an epsilon Constant; head-splitting
 * Reshapes and a 1/sqrt(headSize) scale. It is structurally faithful, not runnable.
 */
final class TinyBertOnnx {
    /**
     * @param floatData       store floats in float_data instead of raw_data
     * @param layerNormOp     use LayerNormalization nodes (opset 17 style) instead of decomposed norms
     * @param gemm            store Linear weights under their own names as [out, in], read by Gemm(transB=1)
     * @param headHints       emit the Reshape target constants and the sqrt(headSize) divisor
     * @param activationOp    the op in the GELU (Erf normally; Tanh for gelu_new)
     */
    record Style(boolean floatData, boolean layerNormOp, boolean gemm, boolean headHints, String activationOp) {
        static Style pytorch() {
            return new Style(false, false, false, true, "Erf");
        }
    }

    private final OnnxBuilder b = new OnnxBuilder();
    private final BertConfig c;
    private final Style style;
    private int anonymous = 787;

    private TinyBertOnnx(BertConfig c, Style style) {
        this.c = c;
        this.style = style;
    }

    static OnnxBuilder builder(BertConfig c, BertWeights w, Style style) {
        return new TinyBertOnnx(c, style).emit(w);
    }

    private OnnxBuilder emit(BertWeights w) {
        b.input("input_ids").input("attention_mask").input("token_type_ids").output("last_hidden_state");
        long[] positions = new long[c.maxPositions()];
        for (int i = 0; i < positions.length; i++) {
            positions[i] = i;
        }
        b.initializer("embeddings.position_ids", OnnxBuilder.int64Tensor("embeddings.position_ids",
                new long[]{1, c.maxPositions()}, positions));
        int h = c.hiddenSize();
        String word = gather("word_embeddings", c.vocabSize(), w.wordEmbeddings(), "input_ids");
        String type = gather("token_type_embeddings", c.typeVocabSize(), w.typeEmbeddings(), "token_type_ids");
        String pos = gather("position_embeddings", c.maxPositions(), w.positionEmbeddings(), "embeddings.position_ids");
        b.node("Add", "/embeddings/Add", List.of(word, type), List.of("/embeddings/Add_output_0"));
        b.node("Add", "/embeddings/Add_1", List.of("/embeddings/Add_output_0", pos), List.of("/embeddings/Add_1_output_0"));
        String x = layerNorm("/embeddings/LayerNorm", "embeddings.LayerNorm", w.embeddingNorm(), "/embeddings/Add_1_output_0");
        for (int i = 0; i < c.numLayers(); i++) {
            BertWeights.Layer l = w.layers().get(i);
            String p = "/encoder/layer." + i;
            String mp = "encoder.layer." + i;
            String q = linear(p + "/attention/self/query", mp + ".attention.self.query", l.query(), x);
            String k = linear(p + "/attention/self/key", mp + ".attention.self.key", l.key(), x);
            String v = linear(p + "/attention/self/value", mp + ".attention.self.value", l.value(), x);
            String heads = p + "/attention/self/Reshape_output_0";
            if (style.headHints()) {
                String shape = headShape(p + "/attention/self", k);
                b.node("Reshape", p + "/attention/self/Reshape", List.of(q, shape), List.of(heads));
            } else {
                b.node("Identity", p + "/attention/self/Reshape", List.of(q), List.of(heads));
            }
            String scores = p + "/attention/self/MatMul_output_0";
            b.node("MatMul", p + "/attention/self/MatMul", List.of(heads, k), List.of(scores));
            String scaled = p + "/attention/self/Div_output_0";
            if (style.headHints()) {
                String scale = b.constant(p + "/attention/self/Constant_12", OnnxBuilder.floatTensor("",
                        new long[0], new float[]{(float) Math.sqrt(c.headSize())}, true));
                b.node("Div", p + "/attention/self/Div", List.of(scores, scale), List.of(scaled));
            } else {
                b.node("Identity", p + "/attention/self/Div", List.of(scores), List.of(scaled));
            }
            String context = p + "/attention/self/MatMul_1_output_0";
            b.node("MatMul", p + "/attention/self/MatMul_1", List.of(scaled, v), List.of(context));
            String attnOut = linear(p + "/attention/output/dense", mp + ".attention.output.dense", l.attentionOutput(), context);
            String res1 = p + "/attention/output/Add_output_0";
            b.node("Add", p + "/attention/output/Add", List.of(attnOut, x), List.of(res1));
            String y = layerNorm(p + "/attention/output/LayerNorm", mp + ".attention.output.LayerNorm", l.attentionNorm(), res1);
            String inter = linear(p + "/intermediate/dense", mp + ".intermediate.dense", l.intermediate(), y);
            String act = gelu(p + "/intermediate/intermediate_act_fn", inter);
            String out = linear(p + "/output/dense", mp + ".output.dense", l.output(), act);
            String res2 = p + "/output/Add_output_0";
            b.node("Add", p + "/output/Add", List.of(out, y), List.of(res2));
            x = layerNorm(p + "/output/LayerNorm", mp + ".output.LayerNorm", l.outputNorm(), res2);
        }
        b.node("Identity", "/Identity", List.of(x), List.of("last_hidden_state"));
        return b;
    }

    private String gather(String table, int rows, float[] values, String indices) {
        String name = "embeddings." + table + ".weight";
        floatInit(name, new long[]{rows, c.hiddenSize()}, values);
        String out = "/embeddings/" + table + "/Gather_output_0";
        b.node("Gather", "/embeddings/" + table + "/Gather", List.of(name, indices), List.of(out));
        return out;
    }

    private String linear(String nodePath, String module, Linear l, String x) {
        String out = nodePath + "/Add_output_0";
        floatInit(module + ".bias", new long[]{l.out()}, l.bias());
        if (style.gemm()) {
            floatInit(module + ".weight", new long[]{l.out(), l.in()}, Transpose.of(l.weight(), l.in(), l.out()));
            b.node("Gemm", nodePath + "/Gemm", List.of(x, module + ".weight", module + ".bias"), List.of(out),
                    OnnxBuilder.attrInt("transB", 1));
            return out;
        }
        String weight = "onnx::MatMul_" + anonymous++;
        floatInit(weight, new long[]{l.in(), l.out()}, l.weight());
        String mm = nodePath + "/MatMul_output_0";
        b.node("MatMul", nodePath + "/MatMul", List.of(x, weight), List.of(mm));
        b.node("Add", nodePath + "/Add", List.of(module + ".bias", mm), List.of(out));
        return out;
    }

    private String layerNorm(String nodePath, String module, Norm n, String x) {
        floatInit(module + ".weight", new long[]{n.size()}, n.gamma());
        floatInit(module + ".bias", new long[]{n.size()}, n.beta());
        String out = nodePath + "/Add_1_output_0";
        if (style.layerNormOp()) {
            b.node("LayerNormalization", nodePath + "/LayerNormalization",
                    List.of(x, module + ".weight", module + ".bias"), List.of(out),
                    OnnxBuilder.attrInt("axis", -1), OnnxBuilder.attrFloat("epsilon", c.layerNormEps()));
            return out;
        }
        String mean = nodePath + "/ReduceMean_output_0";
        b.node("ReduceMean", nodePath + "/ReduceMean", List.of(x), List.of(mean), OnnxBuilder.attrInts("axes", -1));
        String centered = nodePath + "/Sub_output_0";
        b.node("Sub", nodePath + "/Sub", List.of(x, mean), List.of(centered));
        String two = b.constant(nodePath + "/Constant", OnnxBuilder.floatTensor("", new long[0], new float[]{2}, true));
        b.node("Pow", nodePath + "/Pow", List.of(centered, two), List.of(nodePath + "/Pow_output_0"));
        String variance = nodePath + "/ReduceMean_1_output_0";
        b.node("ReduceMean", nodePath + "/ReduceMean_1", List.of(nodePath + "/Pow_output_0"), List.of(variance),
                OnnxBuilder.attrInts("axes", -1));
        String eps = b.constant(nodePath + "/Constant_1",
                OnnxBuilder.floatTensor("", new long[0], new float[]{c.layerNormEps()}, true));
        b.node("Add", nodePath + "/Add", List.of(variance, eps), List.of(nodePath + "/Add_output_0"));
        b.node("Sqrt", nodePath + "/Sqrt", List.of(nodePath + "/Add_output_0"), List.of(nodePath + "/Sqrt_output_0"));
        b.node("Div", nodePath + "/Div", List.of(centered, nodePath + "/Sqrt_output_0"), List.of(nodePath + "/Div_output_0"));
        b.node("Mul", nodePath + "/Mul", List.of(nodePath + "/Div_output_0", module + ".weight"), List.of(nodePath + "/Mul_output_0"));
        b.node("Add", nodePath + "/Add_1", List.of(nodePath + "/Mul_output_0", module + ".bias"), List.of(out));
        return out;
    }

    /** Concat(Unsqueeze(batch), Unsqueeze(seq), [heads], [headSize]), as PyTorch builds view(..., h, d). */
    private String headShape(String nodePath, String of) {
        b.node("Shape", nodePath + "/Shape", List.of(of), List.of(nodePath + "/Shape_output_0"));
        b.node("Unsqueeze", nodePath + "/Unsqueeze", List.of(nodePath + "/Shape_output_0"),
                List.of(nodePath + "/Unsqueeze_output_0"), OnnxBuilder.attrInts("axes", 0));
        b.node("Unsqueeze", nodePath + "/Unsqueeze_1", List.of(nodePath + "/Shape_output_0"),
                List.of(nodePath + "/Unsqueeze_1_output_0"), OnnxBuilder.attrInts("axes", 0));
        String heads = b.constant(nodePath + "/Constant_2", OnnxBuilder.int64Tensor("", new long[]{1}, new long[]{c.numHeads()}));
        String size = b.constant(nodePath + "/Constant_3", OnnxBuilder.int64Tensor("", new long[]{1}, new long[]{c.headSize()}));
        String out = nodePath + "/Concat_output_0";
        b.node("Concat", nodePath + "/Concat", List.of(nodePath + "/Unsqueeze_output_0",
                nodePath + "/Unsqueeze_1_output_0", heads, size), List.of(out), OnnxBuilder.attrInt("axis", 0));
        return out;
    }

    private String gelu(String nodePath, String x) {
        String sqrt2 = b.constant(nodePath + "/Constant", OnnxBuilder.floatTensor("", new long[0], new float[]{1.4142135f}, true));
        b.node("Div", nodePath + "/Div", List.of(x, sqrt2), List.of(nodePath + "/Div_output_0"));
        b.node(style.activationOp(), nodePath + "/" + style.activationOp(), List.of(nodePath + "/Div_output_0"),
                List.of(nodePath + "/Erf_output_0"));
        String one = b.constant(nodePath + "/Constant_1", OnnxBuilder.floatTensor("", new long[0], new float[]{1}, true));
        b.node("Add", nodePath + "/Add", List.of(nodePath + "/Erf_output_0", one), List.of(nodePath + "/Add_output_0"));
        b.node("Mul", nodePath + "/Mul", List.of(x, nodePath + "/Add_output_0"), List.of(nodePath + "/Mul_output_0"));
        String half = b.constant(nodePath + "/Constant_2", OnnxBuilder.floatTensor("", new long[0], new float[]{0.5f}, true));
        b.node("Mul", nodePath + "/Mul_1", List.of(nodePath + "/Mul_output_0", half), List.of(nodePath + "/Mul_1_output_0"));
        return nodePath + "/Mul_1_output_0";
    }

    private void floatInit(String name, long[] dims, float[] values) {
        b.initializer(name, OnnxBuilder.floatTensor(name, dims, values, !style.floatData()));
    }
}
