package dev.semstream.model.load;

import dev.semstream.model.ModelException;

import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A cursor over protobuf wire-format bytes: just enough of the format to decode ONNX files without a
 * protobuf library. It never copies the buffer; a length-delimited field becomes a child reader over
 * the same array, so a 90 MB model is walked in place.
 *
 * <p>Every read is bounds-checked against this reader's own limit (not the array's), so a truncated or
 * corrupt length surfaces as a {@link ModelException} naming the message being decoded.
 */
final class ProtoReader {
    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LENGTH_DELIMITED = 2;
    static final int FIXED32 = 5;

    private final byte[] bytes;
    private final int limit;
    private final String source;
    private final String what;
    private int pos;
    private int tag;

    /**
     * @param source the file or resource, for error messages
     * @param what   the message being decoded, for error messages (e.g. "initializer #3")
     */
    ProtoReader(byte[] bytes, int offset, int length, String source, String what) {
        if (offset < 0 || length < 0 || offset > bytes.length - length) {
            throw new IllegalArgumentException("range [" + offset + ", +" + length + ") outside " + bytes.length + " bytes");
        }
        this.bytes = bytes;
        this.pos = offset;
        this.limit = offset + length;
        this.source = source;
        this.what = what;
    }

    /** Advances to the next field; false at the end of this message. */
    boolean next() {
        if (pos >= limit) {
            return false;
        }
        long t = readVarint();
        if (t >>> 3 == 0 || t > Integer.MAX_VALUE) {
            throw malformed("invalid field tag " + t);
        }
        tag = (int) t;
        return true;
    }

    int field() {
        return tag >>> 3;
    }

    int wireType() {
        return tag & 7;
    }

    long readVarint() {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= limit) {
                throw truncated("varint");
            }
            byte b = bytes[pos++];
            result |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return result;
            }
        }
        throw malformed("varint longer than 10 bytes");
    }

    int readFixed32() {
        need(4, "fixed32");
        int v = (bytes[pos] & 0xFF) | (bytes[pos + 1] & 0xFF) << 8 | (bytes[pos + 2] & 0xFF) << 16 | (bytes[pos + 3] & 0xFF) << 24;
        pos += 4;
        return v;
    }

    /** The current field as a varint (int32, int64, enum or bool in the schema). */
    long readVarintField() {
        expect(VARINT);
        return readVarint();
    }

    /** The current field as a protobuf {@code float}. */
    float readFloatField() {
        expect(FIXED32);
        return Float.intBitsToFloat(readFixed32());
    }

    /** The current length-delimited field's payload, as a view of the underlying array (no copy). */
    ByteSlice readSlice() {
        expect(LENGTH_DELIMITED);
        long length = readVarint();
        if (length < 0 || length > limit - pos) {
            throw truncated("length-delimited field " + field() + " of " + length + " bytes (only " + (limit - pos) + " left)");
        }
        ByteSlice slice = new ByteSlice(bytes, pos, (int) length);
        pos += (int) length;
        return slice;
    }

    /** A reader over the current length-delimited field's payload. */
    ProtoReader readMessage(String childWhat) {
        ByteSlice s = readSlice();
        return new ProtoReader(s.array(), s.offset(), s.length(), source, childWhat);
    }

    String readString() {
        ByteSlice s = readSlice();
        return new String(s.array(), s.offset(), s.length(), StandardCharsets.UTF_8);
    }

    /** Skips the current field whatever its wire type; groups (deprecated, unused by ONNX) are rejected. */
    void skip() {
        switch (wireType()) {
            case VARINT -> readVarint();
            case FIXED64 -> need(8, "fixed64").pos += 8;
            case LENGTH_DELIMITED -> readSlice();
            case FIXED32 -> need(4, "fixed32").pos += 4;
            default -> throw malformed("unsupported wire type " + wireType() + " for field " + field());
        }
    }

    /** Fails unless the current field has the given wire type: a schema mismatch, not a truncation. */
    void expect(int wireType) {
        if (wireType() != wireType) {
            throw malformed("field " + field() + " has wire type " + wireType() + ", expected " + wireType);
        }
    }

    /**
     * Reads a repeated int64 field that may be packed (one length-delimited run) or unpacked (one varint per
     * occurrence), appending to {@code out}; both encodings are legal and exporters use either.
     */
    void readInt64s(LongList out) {
        if (wireType() == LENGTH_DELIMITED) {
            ProtoReader packed = readMessage(what);
            while (packed.pos < packed.limit) {
                out.add(packed.readVarint());
            }
        } else {
            expect(VARINT);
            out.add(readVarint());
        }
    }

    /** Reads a repeated float field, packed or unpacked, appending to {@code out}. */
    void readFloats(FloatList out) {
        if (wireType() == LENGTH_DELIMITED) {
            ByteSlice packed = readSlice();
            if (packed.length() % 4 != 0) {
                throw malformed("packed float field " + field() + " has " + packed.length() + " bytes, not a multiple of 4");
            }
            FloatBuffer values = packed.littleEndian().asFloatBuffer();
            while (values.hasRemaining()) {
                out.add(values.get());
            }
        } else {
            out.add(readFloatField());
        }
    }

    private ProtoReader need(int n, String kind) {
        if (limit - pos < n) {
            throw truncated(kind);
        }
        return this;
    }

    private ModelException truncated(String kind) {
        return new ModelException("truncated or malformed ONNX protobuf in " + what + " of " + source + ": " + kind
                + " runs past the end (at byte " + pos + ", message ends at " + limit + ")");
    }

    private ModelException malformed(String detail) {
        return new ModelException("malformed ONNX protobuf in " + what + " of " + source + " at byte " + pos + ": " + detail);
    }
}
