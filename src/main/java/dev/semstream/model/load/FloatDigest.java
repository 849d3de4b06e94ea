package dev.semstream.model.load;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256 over float arrays as little-endian float32, in bulk: per-value updates would cost seconds. */
final class FloatDigest {
    private static final int CHUNK_FLOATS = 1 << 16;
    private final MessageDigest sha = sha256();
    private final ByteBuffer bytes = ByteBuffer.allocateDirect(CHUNK_FLOATS * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private final FloatBuffer floats = bytes.asFloatBuffer();

    FloatDigest update(byte[] raw) {
        sha.update(raw);
        return this;
    }

    FloatDigest update(ByteBuffer raw) {
        sha.update(raw);
        return this;
    }

    FloatDigest update(float[] values) {
        for (int off = 0; off < values.length; off += CHUNK_FLOATS) {
            int n = Math.min(CHUNK_FLOATS, values.length - off);
            floats.clear();
            floats.put(values, off, n);
            bytes.clear().limit(n * Float.BYTES);
            sha.update(bytes);
        }
        return this;
    }

    byte[] digest() {
        return sha.digest();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-256", e);
        }
    }
}
