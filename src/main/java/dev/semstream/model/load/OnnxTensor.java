package dev.semstream.model.load;

import dev.semstream.model.ModelException;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * One ONNX TensorProto: an initializer or a Constant node's value. The payload stays a view of the
 * model bytes until {@link #toFloats()} or {@link #toLongs()} decodes it, so listing a graph costs no copies.
 *
 * <p>ONNX allows the same values in several fields: {@code raw_data} (little-endian bytes, what PyTorch's
 * exporter writes for anything but tiny tensors) or the typed repeated fields {@code float_data},
 * {@code int32_data} (which also carries FLOAT16/BFLOAT16 bit patterns) and {@code int64_data}.
 */
public final class OnnxTensor {
    private final String name;
    private final int dataType;
    private final long[] dims;
    private final ByteSlice rawData;
    private final float[] floatData;
    private final long[] int32Data;
    private final long[] int64Data;
    private final boolean external;
    private final long elementCount;

    OnnxTensor(String name, int dataType, long[] dims, ByteSlice rawData, float[] floatData, long[] int32Data,
               long[] int64Data, boolean external) {
        this.name = name;
        this.dataType = dataType;
        this.dims = dims;
        this.rawData = rawData;
        this.floatData = floatData;
        this.int32Data = int32Data;
        this.int64Data = int64Data;
        this.external = external;
        long n = 1;
        for (long d : dims) {
            if (d < 0) {
                throw new ModelException("tensor " + name + " has a negative dimension: " + Arrays.toString(dims));
            }
            try {
                n = Math.multiplyExact(n, d);
            } catch (ArithmeticException e) {
                throw new ModelException("tensor " + name + " has dims " + Arrays.toString(dims)
                        + " whose product overflows", e);
            }
        }
        this.elementCount = n;
    }

    public String name() {
        return name;
    }

    /** A {@link OnnxDataType} code. */
    public int dataType() {
        return dataType;
    }

    /** The shape; empty for a scalar. */
    public long[] dims() {
        return dims.clone();
    }

    public int rank() {
        return dims.length;
    }

    /** dims()[i], for callers that know the rank. */
    public long dim(int i) {
        return dims[i];
    }

    /** Product of the dims (1 for a scalar). */
    public long elementCount() {
        return elementCount;
    }

    /** E.g. "FLOAT[384, 1536]". */
    public String describe() {
        return OnnxDataType.name(dataType) + Arrays.toString(dims);
    }

    /** Decodes FLOAT, FLOAT16, BFLOAT16 or DOUBLE values to float32, in row-major order. */
    public float[] toFloats() {
        int n = checkedCount();
        // Every source length is checked before the output is allocated, so corrupt dims cannot ask for gigabytes.
        switch (dataType) {
            case OnnxDataType.FLOAT -> {
                if (rawData != null) {
                    ByteBuffer raw = checkRawLength(n, 4);
                    float[] out = new float[n];
                    raw.asFloatBuffer().get(out);
                    return out;
                }
                checkTypedLength(floatData == null ? 0 : floatData.length, n, "float_data");
                return n == 0 ? new float[0] : floatData.clone();
            }
            case OnnxDataType.FLOAT16, OnnxDataType.BFLOAT16 -> {
                boolean bf16 = dataType == OnnxDataType.BFLOAT16;
                ByteBuffer raw = rawData != null ? checkRawLength(n, 2) : null;
                if (raw == null) {
                    checkTypedLength(int32Data == null ? 0 : int32Data.length, n, "int32_data");
                }
                float[] out = new float[n];
                for (int i = 0; i < n; i++) {
                    short s = raw != null ? raw.getShort(2 * i) : (short) int32Data[i];
                    out[i] = bf16 ? HalfFloats.bf16ToFloat(s) : HalfFloats.f16ToFloat(s);
                }
                return out;
            }
            case OnnxDataType.DOUBLE -> {
                if (rawData == null) {
                    throw new ModelException("tensor " + name + ": DOUBLE values outside raw_data are not supported");
                }
                ByteBuffer raw = checkRawLength(n, 8);
                float[] out = new float[n];
                for (int i = 0; i < n; i++) {
                    out[i] = (float) raw.getDouble(8 * i);
                }
                return out;
            }
            default -> throw new ModelException("tensor " + name + " has data type " + OnnxDataType.name(dataType)
                    + ", expected a floating-point type (FLOAT, FLOAT16, BFLOAT16, DOUBLE)");
        }
    }

    /** Decodes INT64 or INT32 values, e.g. a Reshape target shape. */
    public long[] toLongs() {
        int n = checkedCount();
        switch (dataType) {
            case OnnxDataType.INT64 -> {
                if (rawData != null) {
                    ByteBuffer raw = checkRawLength(n, 8);
                    long[] out = new long[n];
                    raw.asLongBuffer().get(out);
                    return out;
                }
                checkTypedLength(int64Data == null ? 0 : int64Data.length, n, "int64_data");
                return n == 0 ? new long[0] : int64Data.clone();
            }
            case OnnxDataType.INT32 -> {
                ByteBuffer raw = rawData != null ? checkRawLength(n, 4) : null;
                if (raw == null) {
                    checkTypedLength(int32Data == null ? 0 : int32Data.length, n, "int32_data");
                }
                long[] out = new long[n];
                for (int i = 0; i < n; i++) {
                    out[i] = raw != null ? raw.getInt(4 * i) : (int) int32Data[i];
                }
                return out;
            }
            default -> throw new ModelException("tensor " + name + " has data type " + OnnxDataType.name(dataType)
                    + ", expected INT64 or INT32");
        }
    }

    private int checkedCount() {
        if (external) {
            throw new ModelException("tensor " + name + " keeps its data in an external file, which is not supported;"
                    + " re-export the model as a single self-contained .onnx file");
        }
        long n = elementCount();
        if (n > Integer.MAX_VALUE - 8) {
            throw new ModelException("tensor " + name + " " + describe() + " is too large for one Java array");
        }
        return (int) n;
    }

    private ByteBuffer checkRawLength(int n, int bytesPerValue) {
        if (rawData.length() != (long) n * bytesPerValue) {
            throw new ModelException("tensor " + name + " " + describe() + " has " + rawData.length()
                    + " bytes of raw_data, expected " + (long) n * bytesPerValue);
        }
        return rawData.littleEndian();
    }

    private void checkTypedLength(int actual, int n, String field) {
        if (actual != n) {
            throw new ModelException("tensor " + name + " " + describe() + " has " + actual + " values in "
                    + field + ", expected " + n);
        }
    }

    @Override
    public String toString() {
        return name + " " + describe();
    }
}
