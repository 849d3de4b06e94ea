package dev.semstream.topology;

import dev.semstream.avro.TextEvent;
import dev.semstream.registry.SchemaRegistryException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** How Avro decoding failures are told apart: the record's fault (a dead letter) or the registry's (retry). */
class TextEventDecoderTest {
    static final byte[] VALUE = {0, 0, 0, 0, 7, 2, 'a'};

    static TextEventDecoder failingWith(SerializationException e) {
        Deserializer<TextEvent> avro = (topic, bytes) -> {
            throw e;
        };
        return new TextEventDecoder(InputFormat.AVRO, avro, 1000);
    }

    @Test
    void anIdTheRegistryDoesNotKnowIsAnUnknownSchema() {
        var notFound = new SchemaRegistryException("http://registry", 404, 40403, "schema 7 not found");
        var rejected = assertThrows(RejectedInput.class, () -> failingWith(
                new SerializationException("unknown schema id 7", notFound)).decode("t", null, VALUE));
        assertEquals(RejectedInput.Reason.UNKNOWN_SCHEMA, rejected.reason());
    }

    @Test
    void bytesThatDoNotDecodeAreUndecodable() {
        var rejected = assertThrows(RejectedInput.class, () -> failingWith(
                new SerializationException("unknown magic byte 65")).decode("t", null, VALUE));
        assertEquals(RejectedInput.Reason.UNDECODABLE, rejected.reason());
    }

    @Test
    void aFailingRegistryIsNotTheRecordsFaultAndIsRethrown() {
        var unavailable = new SchemaRegistryException("http://registry", 503, 50301, "unavailable");
        var failure = new SerializationException("cannot fetch schema id 7", unavailable);
        var thrown = assertThrows(SerializationException.class,
                () -> failingWith(failure).decode("t", null, VALUE));
        assertSame(failure, thrown);
    }

    @Test
    void anAvroStringThatIsNotUtf8IsInvalidUtf8() {
        var malformed = new java.nio.charset.MalformedInputException(1);
        var rejected = assertThrows(RejectedInput.class, () -> failingWith(
                new SerializationException("does not decode", malformed)).decode("t", null, VALUE));
        assertEquals(RejectedInput.Reason.INVALID_UTF8, rejected.reason());
    }
}
