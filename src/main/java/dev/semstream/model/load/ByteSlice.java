package dev.semstream.model.load;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** A window onto a byte array, so tensor payloads can be decoded where they lie instead of being copied. */
record ByteSlice(byte[] array, int offset, int length) {
    /** The window as a little-endian buffer: ONNX raw_data and safetensors are little-endian by spec. */
    ByteBuffer littleEndian() {
        return ByteBuffer.wrap(array, offset, length).slice().order(ByteOrder.LITTLE_ENDIAN);
    }
}
