package dev.semstream.registry;

import org.apache.avro.Schema;
import org.apache.avro.io.Decoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.util.Utf8;

import java.io.IOException;

/**
 * A specific reader whose strings (fields and map keys alike) must be valid UTF-8: Avro's own decodes them
 * leniently, so {@code ff fe} in a text would be read as two U+FFFD and embedded as if it had been sent. A
 * malformed string fails the record with a {@link java.nio.charset.CharacterCodingException}.
 */
final class StrictUtf8DatumReader<T> extends SpecificDatumReader<T> {
    StrictUtf8DatumReader(Schema writer, Schema reader, SpecificData data) {
        super(writer, reader, withoutCustomCoders(data));
    }

    /**
     * Generated classes decode themselves with {@code customDecode} when custom coders are on, and Avro's fast
     * reader builds its own readers: both read strings leniently and never call {@link #readString}. So this
     * reader gets a copy of the class's model with neither, logical-type conversions kept.
     */
    private static SpecificData withoutCustomCoders(SpecificData data) {
        SpecificData copy = new SpecificData(data.getClassLoader());
        copy.setCustomCoders(false);
        copy.setFastReaderEnabled(false);
        data.getConversions().forEach(copy::addLogicalTypeConversion);
        return copy;
    }

    @Override
    protected Object readString(Object old, Schema expected, Decoder in) throws IOException {
        Utf8 raw = in.readString(null);
        String s = StrictUtf8.decode(raw.getBytes(), 0, raw.getByteLength());
        return findStringClass(expected) == String.class ? s : raw;
    }

    @Override
    protected Object readString(Object old, Decoder in) throws IOException {
        Utf8 raw = in.readString(null);
        StrictUtf8.decode(raw.getBytes(), 0, raw.getByteLength());
        return raw;
    }
}
