package dev.semstream.model.load;

/** The TensorProto.DataType codes from onnx.proto, and their names for error messages. */
public final class OnnxDataType {
    public static final int UNDEFINED = 0;
    public static final int FLOAT = 1;
    public static final int UINT8 = 2;
    public static final int INT8 = 3;
    public static final int UINT16 = 4;
    public static final int INT16 = 5;
    public static final int INT32 = 6;
    public static final int INT64 = 7;
    public static final int STRING = 8;
    public static final int BOOL = 9;
    public static final int FLOAT16 = 10;
    public static final int DOUBLE = 11;
    public static final int UINT32 = 12;
    public static final int UINT64 = 13;
    public static final int COMPLEX64 = 14;
    public static final int COMPLEX128 = 15;
    public static final int BFLOAT16 = 16;

    private static final String[] NAMES = {"UNDEFINED", "FLOAT", "UINT8", "INT8", "UINT16", "INT16", "INT32", "INT64",
            "STRING", "BOOL", "FLOAT16", "DOUBLE", "UINT32", "UINT64", "COMPLEX64", "COMPLEX128", "BFLOAT16"};

    private OnnxDataType() {
    }

    /** "FLOAT", "INT64", ... or "type 23" for codes newer than this table (e.g. the float8 family). */
    public static String name(int code) {
        return code >= 0 && code < NAMES.length ? NAMES[code] : "type " + code;
    }

    /** True for the types {@link OnnxTensor#toFloats()} can widen to float32. */
    public static boolean isFloatingPoint(int code) {
        return code == FLOAT || code == FLOAT16 || code == BFLOAT16 || code == DOUBLE;
    }
}
