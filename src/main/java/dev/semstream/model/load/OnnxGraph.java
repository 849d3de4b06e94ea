package dev.semstream.model.load;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One GraphProto: its nodes in file order (ONNX requires topological order), its initializers, and the
 * names of its inputs and outputs. Graph inputs that merely repeat an initializer's name (allowed by
 * IR versions before 4) are left out of {@link #inputs()}.
 */
public record OnnxGraph(String name, List<OnnxNode> nodes, Map<String, OnnxTensor> initializers, List<String> inputs,
                        List<String> outputs) {
    public OnnxGraph {
        nodes = List.copyOf(nodes);
        initializers = Collections.unmodifiableMap(new LinkedHashMap<>(initializers));
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }

    /** The initializer with this name, or null. */
    public OnnxTensor initializer(String tensorName) {
        return initializers.get(tensorName);
    }
}
