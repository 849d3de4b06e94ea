package dev.semstream.model.load;

import dev.semstream.model.BertConfig;
import dev.semstream.model.BertWeights;
import dev.semstream.model.ModelException;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;

/**
 * Gives every initializer of a PyTorch-exported BERT graph its role, and reads the config off the graph.
 *
 * <p>The exporter keeps parameter names for tensors it stores as-is ({@code embeddings.word_embeddings.weight},
 * {@code encoder.layer.0.attention.output.LayerNorm.bias}, ...) but stores each Linear weight pre-transposed
 * to [in, out] under an anonymous name ({@code onnx::MatMul_787}). Such a tensor's role is recovered from the
 * one node that reads it: a MatMul named {@code /encoder/layer.0/attention/self/query/MatMul} makes it
 * {@code encoder.layer.0.attention.self.query.weight}.
 *
 * <p>Nothing is guessed silently. Integer initializers (shape constants, and the {@code embeddings.position_ids}
 * buffer, which is just 0..maxPositions-1 and which the engine computes itself) and single-value float
 * constants are not weights and are reported in {@link Result#ignored()}. Every other initializer must map to
 * exactly one BERT tensor, and every BERT tensor must be found, or the mapping fails listing what is wrong.
 */
public final class OnnxBertMapper {
    /** Ops of ONNX Runtime's transformer optimizer; their weights are fused and cannot be mapped back. */
    private static final Set<String> FUSED_OPS = Set.of("Attention", "MultiHeadAttention", "EmbedLayerNormalization",
            "SkipLayerNormalization", "SkipSimplifiedLayerNormalization", "BiasGelu", "FastGelu", "MatMulNBits",
            "QAttention", "DynamicQuantizeMatMul", "MatMulInteger", "QLinearMatMul");

    /**
     * @param config        read from weight shapes and the graph's operators
     * @param weights       every tensor in the engine's layout, validated against the config
     * @param ignored       initializers deliberately not loaded, each with the reason
     * @param configSources for each {@link BertConfig} component name, where its value came from
     */
    public record Result(BertConfig config, BertWeights weights, Map<String, String> ignored,
                         Map<String, String> configSources) {
        public Result {
            ignored = Collections.unmodifiableMap(new LinkedHashMap<>(ignored));
            configSources = Collections.unmodifiableMap(new LinkedHashMap<>(configSources));
        }
    }

    private OnnxBertMapper() {
    }

    /** Maps a graph whose attention blocks state their head count (true of PyTorch exports). */
    public static Result map(OnnxGraph graph, String source) {
        return map(graph, source, OptionalInt.empty());
    }

    /**
     * @param fallbackHeads used only when the graph does not state the head count; a graph that does
     *                      state it wins, and a graph that states several is an error either way
     */
    public static Result map(OnnxGraph graph, String source, OptionalInt fallbackHeads) {
        rejectFusedGraphs(graph, source);
        OnnxGraphIndex index = new OnnxGraphIndex(graph);
        BertTensors tensors = new BertTensors("ONNX model " + source);
        Map<String, String> ignored = new LinkedHashMap<>();
        List<String> unmapped = new ArrayList<>();

        for (OnnxTensor t : graph.initializers().values()) {
            String whyNotAWeight = whyNotAWeight(t, source);
            if (whyNotAWeight != null) {
                ignored.put(t.name(), whyNotAWeight);
                continue;
            }
            Role role = roleOf(t, index);
            if (role == null) {
                unmapped.add(t.name() + " " + t.describe() + " read by " + describeConsumers(index, t.name()));
                continue;
            }
            float[] values = t.toFloats();
            long[] shape = t.dims();
            if (role.transposed()) {
                values = Transpose.of(values, (int) shape[0], (int) shape[1]);
                shape = new long[]{shape[1], shape[0]};
            }
            tensors.put(role.name(), t.name(), shape, values);
        }
        if (!unmapped.isEmpty()) {
            throw new ModelException("ONNX model " + source + " has " + unmapped.size()
                    + " weight initializers with no BERT role: " + unmapped);
        }

        Map<String, String> configSources = new LinkedHashMap<>();
        BertConfig config = inferConfig(tensors, index, source, fallbackHeads, configSources);
        return new Result(config, tensors.toWeights(config), ignored, configSources);
    }

    /** A BERT tensor name, and whether the stored tensor is [out, in] and needs transposing. */
    private record Role(String name, boolean transposed) {
    }

    /** Null for a weight; otherwise why the initializer is not loaded. */
    private static String whyNotAWeight(OnnxTensor t, String source) {
        int type = t.dataType();
        if (type == OnnxDataType.INT64 || type == OnnxDataType.INT32) {
            if (!BertNames.stripModelPrefix(t.name()).equals("embeddings.position_ids")) {
                return "integer constant (shape or index), not a weight";
            }
            // Skipping the buffer is only right if it holds what the engine assumes: positions 0, 1, 2, ...
            long[] ids = t.toLongs();
            for (int i = 0; i < ids.length; i++) {
                if (ids[i] != i) {
                    throw new ModelException("ONNX model " + source + ": embeddings.position_ids[" + i + "] is "
                            + ids[i] + "; the engine numbers positions 0, 1, 2, ... and cannot honour a different buffer");
                }
            }
            return "position-id buffer holding 0.." + (ids.length - 1) + ", which the engine computes itself";
        }
        if (!OnnxDataType.isFloatingPoint(type)) {
            throw new ModelException("ONNX model " + source + ": initializer " + t + " has data type "
                    + OnnxDataType.name(type) + "; quantized or non-float weights are not supported");
        }
        if (t.elementCount() <= 1) {
            return "scalar constant (e.g. attention scale or layer-norm epsilon), not a weight";
        }
        return null;
    }

    /**
     * The BERT tensor an initializer holds. A recognised parameter name is taken at its word; otherwise the
     * role comes from the single node reading the tensor: the node's module path plus {@code weight} for
     * MatMul/Gemm/Gather/Mul inputs and {@code bias} for Add and Gemm's C. Linear weights are checked for layout
     * either way: read straight by MatMul they are [in, out]; behind Gemm(transB=1) or a Transpose, [out, in].
     */
    private static Role roleOf(OnnxTensor t, OnnxGraphIndex index) {
        List<OnnxNode> readers = index.consumers(t.name());
        String name = BertNames.stripModelPrefix(t.name());
        if (!BertNames.isCanonical(name)) {
            if (readers.size() != 1) {
                return null;
            }
            OnnxNode reader = readers.get(0);
            String module = OnnxGraphIndex.modulePath(reader);
            String kind = parameterKind(reader, reader.inputs().indexOf(t.name()));
            if (module.isEmpty() || kind == null) {
                return null;
            }
            name = BertNames.stripModelPrefix(module) + "." + kind;
            if (!BertNames.isCanonical(name)) {
                return null;
            }
        }
        if (!BertNames.isLinearWeight(name)) {
            return new Role(name, false);
        }
        if (t.rank() != 2 || readers.isEmpty()) {
            return null;
        }
        Boolean transposed = null;
        for (OnnxNode reader : readers) {
            boolean thisOne = storedOutByIn(reader, t.name());
            if (transposed != null && transposed != thisOne) {
                return null; // read in both layouts: not a plain Linear weight
            }
            transposed = thisOne;
        }
        return new Role(name, transposed);
    }

    /** "weight", "bias", or null when this input of this op is not a parameter slot. */
    private static String parameterKind(OnnxNode reader, int inputIndex) {
        return switch (reader.opType()) {
            case "MatMul" -> inputIndex == 1 ? "weight" : null;
            case "Gemm" -> inputIndex == 1 ? "weight" : inputIndex == 2 ? "bias" : null;
            case "Gather" -> inputIndex == 0 ? "weight" : null;
            case "Mul" -> "weight";
            case "Add" -> "bias";
            case "LayerNormalization" -> inputIndex == 1 ? "weight" : inputIndex == 2 ? "bias" : null;
            default -> null;
        };
    }

    /** True when this reader sees the Linear weight as PyTorch stores it, [out, in]. */
    private static boolean storedOutByIn(OnnxNode reader, String tensor) {
        if (reader.opType().equals("Gemm")) {
            OnnxAttribute transB = reader.attribute("transB");
            return transB != null && transB.i() != 0;
        }
        return reader.opType().equals("Transpose");
    }

    private static BertConfig inferConfig(BertTensors t, OnnxGraphIndex index, String source,
                                          OptionalInt fallbackHeads, Map<String, String> sources) {
        String[] needed = {"embeddings.word_embeddings.weight", "embeddings.position_embeddings.weight",
                "embeddings.token_type_embeddings.weight", "encoder.layer.0.intermediate.dense.weight"};
        List<String> absent = new ArrayList<>();
        for (String n : needed) {
            if (!t.has(n)) {
                absent.add(n);
            }
        }
        if (!absent.isEmpty()) {
            throw new ModelException("ONNX model " + source + " does not look like a BERT encoder: no " + absent
                    + " among its mapped initializers " + t.names());
        }
        long[] word = t.shape("embeddings.word_embeddings.weight");
        int hidden = (int) word[1];
        int layers = 0;
        for (String n : t.names()) {
            OptionalInt layer = BertNames.layerIndex(n);
            if (layer.isPresent()) {
                layers = Math.max(layers, layer.getAsInt() + 1);
            }
        }
        int intermediate = (int) t.shape("encoder.layer.0.intermediate.dense.weight")[1];

        Set<Integer> heads = OnnxHyperparameters.attentionHeads(index, hidden);
        if (heads.size() > 1) {
            throw new ModelException("ONNX model " + source + " states conflicting attention head counts " + heads);
        }
        int numHeads;
        if (heads.size() == 1) {
            numHeads = heads.iterator().next();
            sources.put("numHeads", "the graph: head-splitting Reshape targets / 1/sqrt(headSize) score scale");
        } else if (fallbackHeads.isPresent()) {
            numHeads = fallbackHeads.getAsInt();
            sources.put("numHeads", "the caller's fallback (the graph does not state it)");
        } else {
            throw new ModelException("cannot tell the number of attention heads of ONNX model " + source
                    + " from its graph (no head-splitting Reshape or sqrt(headSize) scale found); pass it explicitly");
        }
        OnnxHyperparameters.checkActivation(index);
        OnnxHyperparameters.Epsilon eps = OnnxHyperparameters.layerNormEpsilon(index);
        sources.put("vocabSize", "rows of embeddings.word_embeddings.weight");
        sources.put("hiddenSize", "columns of embeddings.word_embeddings.weight");
        sources.put("numLayers", "highest encoder.layer.N index + 1");
        sources.put("intermediateSize", "columns of encoder.layer.0.intermediate.dense.weight");
        sources.put("maxPositions", "rows of embeddings.position_embeddings.weight");
        sources.put("typeVocabSize", "rows of embeddings.token_type_embeddings.weight");
        sources.put("layerNormEps", eps.source());
        return new BertConfig((int) word[0], hidden, layers, numHeads, intermediate,
                (int) t.shape("embeddings.position_embeddings.weight")[0],
                (int) t.shape("embeddings.token_type_embeddings.weight")[0], eps.value());
    }

    private static void rejectFusedGraphs(OnnxGraph graph, String source) {
        Set<String> fused = new TreeSet<>();
        for (OnnxNode n : graph.nodes()) {
            if (FUSED_OPS.contains(n.opType()) || n.domain().equals("com.microsoft")) {
                fused.add(n.opType());
            }
        }
        if (!fused.isEmpty()) {
            throw new ModelException("ONNX model " + source + " was optimized or quantized into fused operators "
                    + fused + " whose weights cannot be mapped back to BERT; use the plain (unoptimized) export");
        }
    }

    private static String describeConsumers(OnnxGraphIndex index, String value) {
        List<String> out = new ArrayList<>();
        for (OnnxNode n : index.consumers(value)) {
            out.add(n.opType() + " '" + n.name() + "'");
        }
        return out.isEmpty() ? "no node" : String.join(", ", out);
    }
}
