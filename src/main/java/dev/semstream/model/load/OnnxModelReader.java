package dev.semstream.model.load;

import dev.semstream.model.ModelException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Decodes an ONNX file (a serialized {@code onnx.ModelProto}) with a hand-written protobuf reader: the
 * engine needs a dozen fields, not a protobuf runtime. Field numbers are those of onnx/onnx.proto.
 *
 * <p>The whole file is held as one byte[] and tensors keep views into it (see {@link OnnxTensor}), so
 * peak memory while loading is the file plus the decoded weights.
 */
public final class OnnxModelReader {
    // ModelProto
    private static final int MODEL_IR_VERSION = 1;
    private static final int MODEL_PRODUCER_NAME = 2;
    private static final int MODEL_PRODUCER_VERSION = 3;
    private static final int MODEL_GRAPH = 7;
    private static final int MODEL_OPSET_IMPORT = 8;
    // OperatorSetIdProto
    private static final int OPSET_DOMAIN = 1;
    private static final int OPSET_VERSION = 2;
    // GraphProto
    private static final int GRAPH_NODE = 1;
    private static final int GRAPH_NAME = 2;
    private static final int GRAPH_INITIALIZER = 5;
    private static final int GRAPH_INPUT = 11;
    private static final int GRAPH_OUTPUT = 12;
    // ValueInfoProto
    private static final int VALUE_INFO_NAME = 1;
    // NodeProto
    private static final int NODE_INPUT = 1;
    private static final int NODE_OUTPUT = 2;
    private static final int NODE_NAME = 3;
    private static final int NODE_OP_TYPE = 4;
    private static final int NODE_ATTRIBUTE = 5;
    private static final int NODE_DOMAIN = 7;
    // AttributeProto
    private static final int ATTR_NAME = 1;
    private static final int ATTR_F = 2;
    private static final int ATTR_I = 3;
    private static final int ATTR_S = 4;
    private static final int ATTR_T = 5;
    private static final int ATTR_FLOATS = 7;
    private static final int ATTR_INTS = 8;
    private static final int ATTR_STRINGS = 9;
    private static final int ATTR_TYPE = 20;
    // TensorProto
    private static final int TENSOR_DIMS = 1;
    private static final int TENSOR_DATA_TYPE = 2;
    private static final int TENSOR_FLOAT_DATA = 4;
    private static final int TENSOR_INT32_DATA = 5;
    private static final int TENSOR_INT64_DATA = 7;
    private static final int TENSOR_NAME = 8;
    private static final int TENSOR_RAW_DATA = 9;
    private static final int TENSOR_DATA_LOCATION = 14;
    private static final int DATA_LOCATION_EXTERNAL = 1;

    private OnnxModelReader() {
    }

    /** Reads and decodes an .onnx file; a missing or unreadable file is a {@link ModelException} naming it. */
    public static OnnxModel read(Path file) {
        return read(ModelFiles.readAllBytes(file, "ONNX model file"), file.toString());
    }

    /** Reads the stream to its end (it is not closed) and decodes it. */
    public static OnnxModel read(InputStream in, String source) {
        try {
            return read(in.readAllBytes(), source);
        } catch (IOException e) {
            throw new ModelException("cannot read ONNX model " + source + ": " + e.getMessage(), e);
        }
    }

    /**
     * Decodes a serialized ModelProto. The array is not copied and must not change while the returned
     * model's tensors are still to be decoded.
     *
     * @param source where the bytes came from, for error messages
     */
    public static OnnxModel read(byte[] bytes, String source) {
        ProtoReader r = new ProtoReader(bytes, 0, bytes.length, source, "ModelProto");
        long irVersion = 0;
        long opset = 0;
        String producerName = "";
        String producerVersion = "";
        OnnxGraph graph = null;
        while (r.next()) {
            switch (r.field()) {
                case MODEL_IR_VERSION -> irVersion = r.readVarintField();
                case MODEL_PRODUCER_NAME -> producerName = r.readString();
                case MODEL_PRODUCER_VERSION -> producerVersion = r.readString();
                case MODEL_GRAPH -> graph = readGraph(r.readMessage("GraphProto"));
                case MODEL_OPSET_IMPORT -> {
                    OptionalLong version = readDefaultOpsetVersion(r.readMessage("OperatorSetIdProto"));
                    if (version.isPresent()) {
                        opset = version.getAsLong();
                    }
                }
                default -> r.skip();
            }
        }
        if (graph == null) {
            throw new ModelException(source + " is not an ONNX model: no graph found in " + bytes.length + " bytes");
        }
        return new OnnxModel(irVersion, producerName, producerVersion, opset, graph);
    }

    /** The version of an opset entry for the default domain; empty for other domains (e.g. com.microsoft). */
    private static OptionalLong readDefaultOpsetVersion(ProtoReader r) {
        String domain = "";
        long version = 0;
        while (r.next()) {
            switch (r.field()) {
                case OPSET_DOMAIN -> domain = r.readString();
                case OPSET_VERSION -> version = r.readVarintField();
                default -> r.skip();
            }
        }
        return domain.isEmpty() || domain.equals("ai.onnx") ? OptionalLong.of(version) : OptionalLong.empty();
    }

    private static OnnxGraph readGraph(ProtoReader r) {
        String name = "";
        List<OnnxNode> nodes = new ArrayList<>();
        Map<String, OnnxTensor> initializers = new LinkedHashMap<>();
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        while (r.next()) {
            switch (r.field()) {
                case GRAPH_NODE -> nodes.add(readNode(r.readMessage("node #" + nodes.size())));
                case GRAPH_NAME -> name = r.readString();
                case GRAPH_INITIALIZER -> {
                    OnnxTensor t = readTensor(r.readMessage("initializer #" + initializers.size()));
                    if (initializers.put(t.name(), t) != null) {
                        throw new ModelException("ONNX graph has two initializers named " + t.name());
                    }
                }
                case GRAPH_INPUT -> inputs.add(readValueInfoName(r.readMessage("graph input")));
                case GRAPH_OUTPUT -> outputs.add(readValueInfoName(r.readMessage("graph output")));
                default -> r.skip();
            }
        }
        inputs.removeIf(initializers::containsKey);
        return new OnnxGraph(name, nodes, initializers, inputs, outputs);
    }

    private static String readValueInfoName(ProtoReader r) {
        String name = "";
        while (r.next()) {
            if (r.field() == VALUE_INFO_NAME) {
                name = r.readString();
            } else {
                r.skip();
            }
        }
        return name;
    }

    private static OnnxNode readNode(ProtoReader r) {
        String name = "";
        String opType = "";
        String domain = "";
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        Map<String, OnnxAttribute> attributes = new HashMap<>();
        while (r.next()) {
            switch (r.field()) {
                case NODE_INPUT -> inputs.add(r.readString());
                case NODE_OUTPUT -> outputs.add(r.readString());
                case NODE_NAME -> name = r.readString();
                case NODE_OP_TYPE -> opType = r.readString();
                case NODE_DOMAIN -> domain = r.readString();
                case NODE_ATTRIBUTE -> {
                    OnnxAttribute a = readAttribute(r.readMessage("attribute of node " + name));
                    attributes.put(a.name(), a);
                }
                default -> r.skip();
            }
        }
        return new OnnxNode(name, opType, domain, inputs, outputs, attributes);
    }

    private static OnnxAttribute readAttribute(ProtoReader r) {
        String name = "";
        int type = 0;
        float f = 0;
        long i = 0;
        String s = null;
        OnnxTensor t = null;
        FloatList floats = new FloatList();
        LongList ints = new LongList();
        List<String> strings = new ArrayList<>();
        while (r.next()) {
            switch (r.field()) {
                case ATTR_NAME -> name = r.readString();
                case ATTR_TYPE -> type = (int) r.readVarintField();
                case ATTR_F -> f = r.readFloatField();
                case ATTR_I -> i = r.readVarintField();
                case ATTR_S -> s = r.readString();
                case ATTR_T -> t = readTensor(r.readMessage("tensor attribute " + name));
                case ATTR_FLOATS -> r.readFloats(floats);
                case ATTR_INTS -> r.readInt64s(ints);
                case ATTR_STRINGS -> strings.add(r.readString());
                default -> r.skip();
            }
        }
        return new OnnxAttribute(name, type, f, i, s, t, floats.toArray(), ints.toArray(), strings);
    }

    private static OnnxTensor readTensor(ProtoReader r) {
        String name = "";
        int dataType = OnnxDataType.UNDEFINED;
        LongList dims = new LongList();
        ByteSlice raw = null;
        FloatList floatData = new FloatList();
        LongList int32Data = new LongList();
        LongList int64Data = new LongList();
        boolean external = false;
        while (r.next()) {
            switch (r.field()) {
                case TENSOR_DIMS -> r.readInt64s(dims);
                case TENSOR_DATA_TYPE -> dataType = (int) r.readVarintField();
                case TENSOR_FLOAT_DATA -> r.readFloats(floatData);
                case TENSOR_INT32_DATA -> r.readInt64s(int32Data);
                case TENSOR_INT64_DATA -> r.readInt64s(int64Data);
                case TENSOR_NAME -> name = r.readString();
                case TENSOR_RAW_DATA -> raw = r.readSlice();
                case TENSOR_DATA_LOCATION -> external = r.readVarintField() == DATA_LOCATION_EXTERNAL;
                default -> r.skip();
            }
        }
        return new OnnxTensor(name, dataType, dims.toArray(), raw,
                floatData.size() == 0 ? null : floatData.toArray(),
                int32Data.size() == 0 ? null : int32Data.toArray(),
                int64Data.size() == 0 ? null : int64Data.toArray(), external);
    }
}
