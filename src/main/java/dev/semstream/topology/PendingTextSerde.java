package dev.semstream.topology;

import dev.semstream.avro.TextEvent;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * Bytes of a {@link PendingText} in the buffer store's changelog: a version byte, the source context,
 * the raw record, then the event as plain Avro binary. Internal to this application.
 */
final class PendingTextSerde implements Serde<PendingText> {
    private static final byte VERSION = 1;
    private final AvroBinarySerde<TextEvent> events = new AvroBinarySerde<>(TextEvent.class);

    @Override
    public Serializer<PendingText> serializer() {
        Serializer<TextEvent> eventSerializer = events.serializer();
        return (topic, p) -> {
            if (p == null) {
                return null;
            }
            try {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
                DataOutputStream out = new DataOutputStream(bytes);
                out.writeByte(VERSION);
                out.writeLong(p.timestamp());
                out.writeUTF(p.topic());
                out.writeInt(p.partition());
                out.writeLong(p.offset());
                writeBytes(out, p.rawKey());
                writeBytes(out, p.rawValue());
                writeBytes(out, eventSerializer.serialize(topic, p.event()));
                out.writeLong(p.bufferedAtMs());
                out.flush();
                return bytes.toByteArray();
            } catch (IOException e) {
                throw new SerializationException("cannot encode a pending text", e);
            }
        };
    }

    @Override
    public Deserializer<PendingText> deserializer() {
        Deserializer<TextEvent> eventDeserializer = events.deserializer();
        return (topic, data) -> {
            if (data == null) {
                return null;
            }
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
                byte version = in.readByte();
                if (version != VERSION) {
                    throw new SerializationException("pending text of unknown version " + version);
                }
                long timestamp = in.readLong();
                String source = in.readUTF();
                int partition = in.readInt();
                long offset = in.readLong();
                byte[] key = readBytes(in);
                byte[] value = readBytes(in);
                TextEvent event = eventDeserializer.deserialize(topic, readBytes(in));
                long bufferedAt = in.readLong();
                return new PendingText(event, timestamp, source, partition, offset, key, value, bufferedAt);
            } catch (IOException e) {
                throw new SerializationException("cannot decode a pending text", e);
            }
        };
    }

    private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
        out.writeInt(b == null ? -1 : b.length);
        if (b != null) {
            out.write(b);
        }
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        int n = in.readInt();
        return n < 0 ? null : in.readNBytes(n);
    }
}
