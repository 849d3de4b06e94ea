package dev.semstream.model.load;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Prints an ONNX graph's initializers and nodes, for working out how an exporter laid a model out when
 * {@link OnnxBertMapper} cannot map it: {@code bench/run-main dev.semstream.model.load.OnnxGraphDump model.onnx
 * [opType...]}. With op types given, only nodes of those types are listed. A developer's tool, so it lives with
 * the tests and not in the jar.
 */
public final class OnnxGraphDump {
    private OnnxGraphDump() {
    }

    public static void main(String[] args) {
        if (args.length == 0) {
            System.err.println("usage: OnnxGraphDump model.onnx [opType...]");
            System.exit(2);
        }
        OnnxModel model = OnnxModelReader.read(Path.of(args[0]));
        dump(model, Arrays.asList(args).subList(1, args.length), System.out);
    }

    /** Writes the summary; {@code opTypes} empty means every node. */
    public static void dump(OnnxModel model, List<String> opTypes, PrintStream out) {
        OnnxGraph g = model.graph();
        out.printf("producer %s %s, IR %d, opset %d, graph '%s'%n", model.producerName(), model.producerVersion(),
                model.irVersion(), model.opsetVersion(), g.name());
        out.println("inputs  " + g.inputs());
        out.println("outputs " + g.outputs());
        out.println(g.initializers().size() + " initializers:");
        for (OnnxTensor t : g.initializers().values()) {
            out.println("  " + t.name() + " " + t.describe() + smallValues(t));
        }
        Map<String, Long> counts = new TreeMap<>(g.nodes().stream()
                .collect(Collectors.groupingBy(OnnxNode::opType, Collectors.counting())));
        out.println(g.nodes().size() + " nodes " + counts + ":");
        for (OnnxNode n : g.nodes()) {
            if (opTypes.isEmpty() || opTypes.contains(n.opType())) {
                out.println("  " + n.opType() + " '" + n.name() + "' " + n.inputs() + " -> " + n.outputs()
                        + attributes(n));
            }
        }
    }

    private static String attributes(OnnxNode n) {
        if (n.attributes().isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder(" {");
        for (OnnxAttribute a : n.attributes().values()) {
            sb.append(' ').append(a.name()).append('=');
            switch (a.type()) {
                case OnnxAttribute.FLOAT -> sb.append(a.f());
                case OnnxAttribute.INT -> sb.append(a.i());
                case OnnxAttribute.STRING -> sb.append('"').append(a.s()).append('"');
                case OnnxAttribute.TENSOR -> sb.append(a.t().describe()).append(smallValues(a.t()));
                case OnnxAttribute.FLOATS -> sb.append(Arrays.toString(a.floats()));
                case OnnxAttribute.INTS -> sb.append(Arrays.toString(a.ints()));
                default -> sb.append("(type ").append(a.type()).append(')');
            }
        }
        return sb.append(" }").toString();
    }

    /** The values of tensors small enough to be constants rather than weights. */
    private static String smallValues(OnnxTensor t) {
        if (t.elementCount() > 8) {
            return "";
        }
        if (OnnxDataType.isFloatingPoint(t.dataType())) {
            return " = " + Arrays.toString(t.toFloats());
        }
        if (t.dataType() == OnnxDataType.INT64 || t.dataType() == OnnxDataType.INT32) {
            return " = " + Arrays.toString(t.toLongs());
        }
        return "";
    }
}
