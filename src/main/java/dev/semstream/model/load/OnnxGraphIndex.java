package dev.semstream.model.load;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Lookups over one graph: which node produces a value, which nodes read it, and which values are constants. */
final class OnnxGraphIndex {
    private final OnnxGraph graph;
    private final Map<String, OnnxNode> producers = new HashMap<>();
    private final Map<String, List<OnnxNode>> consumers = new HashMap<>();

    OnnxGraphIndex(OnnxGraph graph) {
        this.graph = graph;
        for (OnnxNode n : graph.nodes()) {
            for (String out : n.outputs()) {
                producers.put(out, n);
            }
            for (String in : n.inputs()) {
                if (!in.isEmpty()) {
                    consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
                }
            }
        }
    }

    OnnxGraph graph() {
        return graph;
    }

    /** The node writing this value, or null for graph inputs and initializers. */
    OnnxNode producer(String value) {
        return producers.get(value);
    }

    /** Nodes reading this value, in graph order. */
    List<OnnxNode> consumers(String value) {
        return consumers.getOrDefault(value, List.of());
    }

    /**
     * The value as a constant tensor when it is an initializer or the output of a Constant node, else null.
     * Constant nodes may carry their value in {@code value} or, since opset 12, {@code value_float(s)} /
     * {@code value_int(s)}; the latter are wrapped as tensors here.
     */
    OnnxTensor constant(String value) {
        OnnxTensor init = graph.initializer(value);
        if (init != null) {
            return init;
        }
        OnnxNode n = producers.get(value);
        if (n == null || !n.opType().equals("Constant") || !n.domain().isEmpty()) {
            return null;
        }
        OnnxAttribute a;
        if ((a = n.attribute("value")) != null && a.t() != null) {
            return a.t();
        }
        if ((a = n.attribute("value_float")) != null) {
            return new OnnxTensor(value, OnnxDataType.FLOAT, new long[0], null, new float[]{a.f()}, null, null, false);
        }
        if ((a = n.attribute("value_floats")) != null) {
            return new OnnxTensor(value, OnnxDataType.FLOAT, new long[]{a.floats().length}, null, a.floats(), null, null, false);
        }
        if ((a = n.attribute("value_int")) != null) {
            return new OnnxTensor(value, OnnxDataType.INT64, new long[0], null, null, null, new long[]{a.i()}, false);
        }
        if ((a = n.attribute("value_ints")) != null) {
            return new OnnxTensor(value, OnnxDataType.INT64, new long[]{a.ints().length}, null, null, null, a.ints(), false);
        }
        return null;
    }

    /** A constant holding exactly one floating-point value (scalar or [1]), or null. */
    Float scalarFloat(String value) {
        OnnxTensor t = constant(value);
        if (t == null || !OnnxDataType.isFloatingPoint(t.dataType()) || t.elementCount() != 1) {
            return null;
        }
        return t.toFloats()[0];
    }

    /**
     * The PyTorch module path encoded in a node name: {@code /encoder/layer.0/attention/self/query/MatMul}
     * gives {@code encoder.layer.0.attention.self.query}. Empty when the name carries no scope (exports
     * before torch 1.13 named nodes just {@code MatMul_123}).
     */
    static String modulePath(OnnxNode node) {
        String name = node.name();
        if (!name.startsWith("/")) {
            return "";
        }
        int lastSlash = name.lastIndexOf('/');
        return lastSlash <= 0 ? "" : name.substring(1, lastSlash).replace('/', '.');
    }
}
