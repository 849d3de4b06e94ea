package dev.semstream.model.load;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Assembles ONNX ModelProto bytes from hand-made initializers and nodes, for reader and mapper tests. */
final class OnnxBuilder {
    private final Map<String, ProtoWriter> initializers = new LinkedHashMap<>();
    private final List<ProtoWriter> nodes = new ArrayList<>();
    private final List<String> inputs = new ArrayList<>();
    private final List<String> outputs = new ArrayList<>();

    static ProtoWriter floatTensor(String name, long[] dims, float[] values, boolean raw) {
        ProtoWriter t = new ProtoWriter().packedVarints(1, dims).varint(2, OnnxDataType.FLOAT).string(8, name);
        if (raw) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(values.length * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(values);
            t.bytes(9, b.array());
        } else {
            t.packedFloats(4, values);
        }
        return t;
    }

    static ProtoWriter int64Tensor(String name, long[] dims, long[] values) {
        return new ProtoWriter().packedVarints(1, dims).varint(2, OnnxDataType.INT64).string(8, name)
                .packedVarints(7, values);
    }

    static ProtoWriter attrFloat(String name, float f) {
        return new ProtoWriter().string(1, name).float32(2, f).varint(20, OnnxAttribute.FLOAT);
    }

    static ProtoWriter attrInt(String name, long i) {
        return new ProtoWriter().string(1, name).varint(3, i).varint(20, OnnxAttribute.INT);
    }

    static ProtoWriter attrInts(String name, long... ints) {
        return new ProtoWriter().string(1, name).packedVarints(8, ints).varint(20, OnnxAttribute.INTS);
    }

    static ProtoWriter attrTensor(String name, ProtoWriter tensor) {
        return new ProtoWriter().string(1, name).message(5, tensor).varint(20, OnnxAttribute.TENSOR);
    }

    OnnxBuilder input(String name) {
        inputs.add(name);
        return this;
    }

    OnnxBuilder output(String name) {
        outputs.add(name);
        return this;
    }

    OnnxBuilder initializer(String name, ProtoWriter tensor) {
        initializers.put(name, tensor);
        return this;
    }

    OnnxBuilder removeInitializer(String name) {
        if (initializers.remove(name) == null) {
            throw new IllegalArgumentException("no initializer " + name);
        }
        return this;
    }

    OnnxBuilder node(String opType, String name, List<String> in, List<String> out, ProtoWriter... attributes) {
        return node(opType, "", name, in, out, attributes);
    }

    OnnxBuilder node(String opType, String domain, String name, List<String> in, List<String> out,
                     ProtoWriter... attributes) {
        ProtoWriter n = new ProtoWriter();
        in.forEach(s -> n.string(1, s));
        out.forEach(s -> n.string(2, s));
        n.string(3, name).string(4, opType);
        for (ProtoWriter a : attributes) {
            n.message(5, a);
        }
        if (!domain.isEmpty()) {
            n.string(7, domain);
        }
        nodes.add(n);
        return this;
    }

    /** A Constant node {@code name} writing {@code name + "_output_0"}, as PyTorch names them. */
    String constant(String name, ProtoWriter tensor) {
        String out = name + "_output_0";
        node("Constant", name, List.of(), List.of(out), attrTensor("value", tensor));
        return out;
    }

    byte[] build() {
        ProtoWriter graph = new ProtoWriter();
        nodes.forEach(n -> graph.message(1, n));
        graph.string(2, "torch_jit");
        initializers.values().forEach(t -> graph.message(5, t));
        inputs.forEach(i -> graph.message(11, new ProtoWriter().string(1, i)));
        outputs.forEach(o -> graph.message(12, new ProtoWriter().string(1, o)));
        return new ProtoWriter().varint(1, 6).string(2, "pytorch").string(3, "2.0.1")
                .message(7, graph).message(8, new ProtoWriter().varint(2, 11)).toByteArray();
    }
}
