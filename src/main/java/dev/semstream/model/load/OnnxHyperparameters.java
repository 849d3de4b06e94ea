package dev.semstream.model.load;

import dev.semstream.model.ModelException;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads the hyperparameters that are not visible in weight shapes out of the graph's operators: the number
 * of attention heads, the layer-norm epsilon, and whether the MLP activation is the exact (erf) GELU.
 */
final class OnnxHyperparameters {
    /** What {@link #layerNormEpsilon} found, and where. */
    record Epsilon(float value, String source) {
    }

    private OnnxHyperparameters() {
    }

    /**
     * Head counts the graph states. Two independent sources, both from the attention blocks of a PyTorch
     * export: the Reshape that splits Q/K/V into heads has a target shape ending in [heads, headSize]
     * (built by a Concat of dynamic batch/sequence sizes and Constants, e.g. [?, ?, 12, 32]), and the
     * attention scores are divided by the constant sqrt(headSize) (5.656854 for 32). The result is empty
     * when neither is found and has more than one entry when the graph contradicts itself.
     */
    static Set<Integer> attentionHeads(OnnxGraphIndex g, int hiddenSize) {
        Set<Integer> heads = new TreeSet<>();
        for (OnnxNode n : g.graph().nodes()) {
            if (!n.name().contains("attention")) {
                continue;
            }
            if (n.opType().equals("Reshape") && n.inputs().size() >= 2) {
                List<Long> shape = resolveShape(g, n.inputs().get(1), 0);
                if (shape != null && shape.size() == 4) {
                    Long h = shape.get(2);
                    Long d = shape.get(3);
                    if (h != null && d != null && h > 0 && d > 0 && h * d == hiddenSize) {
                        heads.add(h.intValue());
                    }
                }
            }
            if ((n.opType().equals("Div") || n.opType().equals("Mul")) && n.inputs().size() == 2
                    && isAttentionScores(g, n.inputs().get(0))) {
                Float s = g.scalarFloat(n.inputs().get(1));
                if (s != null && s > 0) {
                    double headSize = n.opType().equals("Div") ? (double) s * s : 1.0 / ((double) s * s);
                    long d = Math.round(headSize);
                    if (d > 0 && Math.abs(headSize - d) < 1e-3 * d && hiddenSize % d == 0) {
                        heads.add((int) (hiddenSize / d));
                    }
                }
            }
        }
        return heads;
    }

    /** True when the value is the Q·Kᵀ product: a MatMul of two activations (no weight initializer). */
    private static boolean isAttentionScores(OnnxGraphIndex g, String value) {
        OnnxNode p = g.producer(value);
        return p != null && p.opType().equals("MatMul")
                && g.constant(p.inputs().get(0)) == null && g.constant(p.inputs().get(1)) == null;
    }

    /**
     * A Reshape target as far as it is known statically: one entry per output dimension, null where the
     * size is computed at run time (batch, sequence length). Null when the shape's rank itself is unknown.
     */
    private static List<Long> resolveShape(OnnxGraphIndex g, String value, int depth) {
        OnnxTensor t = g.constant(value);
        if (t != null) {
            if (t.dataType() != OnnxDataType.INT64 && t.dataType() != OnnxDataType.INT32) {
                return null;
            }
            List<Long> out = new ArrayList<>();
            for (long v : t.toLongs()) {
                out.add(v);
            }
            return out;
        }
        OnnxNode p = g.producer(value);
        if (p == null || depth > 8) {
            return null;
        }
        switch (p.opType()) {
            case "Concat" -> {
                List<Long> out = new ArrayList<>();
                for (String in : p.inputs()) {
                    List<Long> part = resolveShape(g, in, depth + 1);
                    if (part == null) {
                        return null;
                    }
                    out.addAll(part);
                }
                return out;
            }
            case "Unsqueeze" -> {
                // Turns a scalar size (typically Gather(Shape(x), i)) into the 1-element piece of a shape.
                List<Long> scalar = resolveShape(g, p.inputs().get(0), depth + 1);
                List<Long> out = new ArrayList<>();
                out.add(scalar != null && scalar.size() == 1 ? scalar.get(0) : null);
                return out;
            }
            default -> {
                return null;
            }
        }
    }

    /**
     * The layer-norm epsilon: the {@code epsilon} attribute of LayerNormalization nodes (opset 17+; the
     * ONNX default is 1e-5 when absent), or, for opset < 17 exports where layer norm is decomposed into
     * ReduceMean/Sub/Pow/ReduceMean/Add/Sqrt/Div, the scalar added to the variance (the Add fed by the
     * second ReduceMean). Falls back to BERT's 1e-12 when the graph has neither. Different epsilons in one
     * graph are an error: the engine has one.
     */
    static Epsilon layerNormEpsilon(OnnxGraphIndex g) {
        Set<Float> found = new TreeSet<>();
        String source = null;
        for (OnnxNode n : g.graph().nodes()) {
            if (n.opType().equals("LayerNormalization")) {
                OnnxAttribute a = n.attribute("epsilon");
                found.add(a == null ? 1e-5f : a.f());
                source = "LayerNormalization epsilon attribute";
            } else if (n.opType().equals("Add") && n.inputs().size() == 2) {
                for (int i = 0; i < 2; i++) {
                    OnnxNode p = g.producer(n.inputs().get(i));
                    Float eps = g.scalarFloat(n.inputs().get(1 - i));
                    if (p != null && p.opType().equals("ReduceMean") && eps != null) {
                        found.add(eps);
                        source = "constant added to the variance in decomposed layer norms";
                    }
                }
            }
        }
        if (found.size() > 1) {
            throw new ModelException("ONNX graph uses different layer-norm epsilons " + found
                    + "; the engine supports one per model");
        }
        if (found.isEmpty()) {
            return new Epsilon(1e-12f, "BERT default (the graph states none)");
        }
        return new Epsilon(found.iterator().next(), source);
    }

    /**
     * Rejects MLP activations the engine does not implement. PyTorch exports BERT's exact GELU as
     * x * 0.5 * (1 + erf(x / sqrt 2)); a Tanh or Sigmoid in the activation means gelu_new / quick_gelu / silu.
     */
    static void checkActivation(OnnxGraphIndex g) {
        for (OnnxNode n : g.graph().nodes()) {
            String path = OnnxGraphIndex.modulePath(n);
            boolean inActivation = path.contains("intermediate") && !path.endsWith("intermediate.dense");
            if (inActivation && (n.opType().equals("Tanh") || n.opType().equals("Sigmoid"))) {
                throw new ModelException("ONNX graph's MLP activation uses " + n.opType() + " (node " + n.name()
                        + "): only the exact erf GELU of BERT is supported, not tanh/sigmoid approximations");
            }
            if (n.opType().equals("FastGelu") || n.opType().equals("QuickGelu")) {
                throw new ModelException("ONNX graph uses " + n.opType() + " (node " + n.name()
                        + "): only the exact erf GELU of BERT is supported");
            }
        }
    }
}
