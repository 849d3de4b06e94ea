package dev.semstream.model.load;

import java.util.Optional;

/**
 * Element types of the safetensors format, by their header spelling. Every type is known so that offsets
 * can be checked; only F32, F16, BF16 and F64 convert to float32 weights.
 */
public enum SafetensorsDtype {
    F64(8), F32(4), F16(2), BF16(2), I64(8), I32(4), I16(2), I8(1), U64(8), U32(4), U16(2), U8(1), BOOL(1),
    F8_E4M3(1), F8_E5M2(1);

    private final int bytes;

    SafetensorsDtype(int bytes) {
        this.bytes = bytes;
    }

    /** Bytes per element. */
    public int byteSize() {
        return bytes;
    }

    /** True for the types {@link SafetensorsReader#floats} can read. */
    public boolean isReadableAsFloat() {
        return this == F32 || this == F16 || this == BF16 || this == F64;
    }

    /** The type spelled this way in a header, if any. */
    public static Optional<SafetensorsDtype> parse(String s) {
        for (SafetensorsDtype d : values()) {
            if (d.name().equals(s)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }
}
