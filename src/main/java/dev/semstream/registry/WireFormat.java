package dev.semstream.registry;

import org.apache.kafka.common.errors.SerializationException;

import java.nio.ByteBuffer;

/**
 * The Confluent wire format every Confluent-compatible serde agrees on: magic byte 0, the writer schema's
 * registry id as a 4-byte big-endian int, then the Avro binary encoding of the record.
 */
final class WireFormat {
    static final byte MAGIC = 0;
    static final int HEADER_LENGTH = 5;

    private WireFormat() {
    }

    /** Writes the header into the first five bytes of {@code out}. */
    static void writeHeader(byte[] out, int schemaId) {
        out[0] = MAGIC;
        out[1] = (byte) (schemaId >>> 24);
        out[2] = (byte) (schemaId >>> 16);
        out[3] = (byte) (schemaId >>> 8);
        out[4] = (byte) schemaId;
    }

    /** The schema id of a framed payload; throws if {@code data} is not one. */
    static int schemaId(byte[] data, String topic) {
        if (data.length < HEADER_LENGTH) {
            throw new SerializationException("record on topic '" + topic + "' is too short for the schema registry wire format: "
                    + data.length + " bytes, need at least " + HEADER_LENGTH + " (magic byte + 4-byte schema id)");
        }
        if (data[0] != MAGIC) {
            throw new SerializationException(String.format(
                    "record on topic '%s' has unknown magic byte 0x%02x (expected 0x00): not written by a schema registry serializer",
                    topic, data[0]));
        }
        return ByteBuffer.wrap(data, 1, 4).getInt();
    }
}
