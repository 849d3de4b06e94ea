package dev.semstream.model.load;

import java.util.List;

/**
 * One NodeProto attribute. Only the scalar, list and tensor kinds are decoded (enough for epsilons, axes,
 * permutations and Constant values); subgraph attributes of control-flow ops are recorded by name only.
 *
 * @param name    e.g. "epsilon", "perm", "value"
 * @param type    AttributeProto.AttributeType code: 1 FLOAT, 2 INT, 3 STRING, 4 TENSOR, 6 FLOATS, 7 INTS, 8 STRINGS
 * @param f       value of a FLOAT attribute
 * @param i       value of an INT attribute
 * @param s       value of a STRING attribute (UTF-8), else null
 * @param t       value of a TENSOR attribute, else null
 * @param floats  value of a FLOATS attribute (empty otherwise)
 * @param ints    value of an INTS attribute (empty otherwise)
 * @param strings value of a STRINGS attribute (empty otherwise)
 */
public record OnnxAttribute(String name, int type, float f, long i, String s, OnnxTensor t, float[] floats,
                            long[] ints, List<String> strings) {
    public static final int FLOAT = 1;
    public static final int INT = 2;
    public static final int STRING = 3;
    public static final int TENSOR = 4;
    public static final int FLOATS = 6;
    public static final int INTS = 7;
    public static final int STRINGS = 8;

    public OnnxAttribute {
        strings = List.copyOf(strings);
    }
}
