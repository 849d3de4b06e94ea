package dev.semstream.model.load;

import java.util.List;
import java.util.Map;

/**
 * One NodeProto. Exporters name nodes after the module that produced them (PyTorch writes
 * {@code /encoder/layer.0/attention/self/query/MatMul}), which is how anonymous weights get their role back.
 *
 * @param name       the node name, possibly empty
 * @param opType     e.g. "MatMul", "Add", "Reshape", "Constant"
 * @param domain     the operator set domain, "" for the default ONNX domain
 * @param inputs     value names read, in operator order; "" marks an omitted optional input
 * @param outputs    value names written
 * @param attributes by attribute name
 */
public record OnnxNode(String name, String opType, String domain, List<String> inputs, List<String> outputs,
                       Map<String, OnnxAttribute> attributes) {
    public OnnxNode {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        attributes = Map.copyOf(attributes);
    }

    /** The named attribute, or null when absent (ONNX then means the operator's default). */
    public OnnxAttribute attribute(String attributeName) {
        return attributes.get(attributeName);
    }
}
