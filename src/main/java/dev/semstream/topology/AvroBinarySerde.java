package dev.semstream.topology;

import dev.semstream.registry.TrustedAvroClasses;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * Plain Avro binary of one specific record class, with no schema id: for state stores and their
 * changelogs, which only this application reads, with the schema it was built with. Topics that users
 * read go through the Schema Registry serdes instead.
 */
public final class AvroBinarySerde<T extends SpecificRecord> implements Serde<T> {
    private final Class<T> type;

    public AvroBinarySerde(Class<T> type) {
        // Avro 1.12 instantiates only trusted classes; this serde reads exactly this one (and its parts).
        TrustedAvroClasses.trust(type, SpecificData.get().getSchema(type));
        this.type = type;
    }

    @Override
    public Serializer<T> serializer() {
        SpecificDatumWriter<T> writer = new SpecificDatumWriter<>(SpecificData.get().getSchema(type));
        return (topic, data) -> data == null ? null : encode(writer, data);
    }

    @Override
    public Deserializer<T> deserializer() {
        SpecificDatumReader<T> reader = new SpecificDatumReader<>(type);
        return (topic, bytes) -> bytes == null ? null : decode(reader, bytes, type);
    }

    static <T> byte[] encode(SpecificDatumWriter<T> writer, T data) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(256);
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            writer.write(data, encoder);
            encoder.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new SerializationException("cannot encode " + data.getClass().getSimpleName(), e);
        }
    }

    static <T> T decode(SpecificDatumReader<T> reader, byte[] bytes, Class<T> type) {
        try {
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, null);
            return reader.read(null, decoder);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot decode " + type.getSimpleName() + " from " + bytes.length + " bytes", e);
        }
    }
}
