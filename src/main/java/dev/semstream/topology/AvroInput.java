package dev.semstream.topology;

import dev.semstream.registry.SchemaRegistryException;
import dev.semstream.topology.RejectedInput.Reason;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

import java.nio.charset.CharacterCodingException;

/** Reads one Avro record of an input topic, telling bad records (dead letters) from a failing registry (retry). */
final class AvroInput {
    private AvroInput() {
    }

    /**
     * @param what the record type users know, for the dead letter's message, e.g. {@code TextEvent}
     * @throws RejectedInput          for bytes that are not such a record (a string that is not UTF-8: {@code
     *                                INVALID_UTF8}), or whose schema the registry does not have
     * @throws SerializationException when the registry is down or failing: not this record's fault, so it is
     *                                processed again once the registry answers (exactly once) instead of being
     *                                dead-lettered with good data
     */
    static <T> T decode(Deserializer<T> avro, String topic, byte[] value, String what) {
        try {
            return avro.deserialize(topic, value);
        } catch (SerializationException e) {
            SchemaRegistryException registry = registryCause(e);
            if (registry != null && !registry.isNotFound()) {
                throw e;
            }
            Reason reason = registry != null ? Reason.UNKNOWN_SCHEMA
                    : causedBy(e, CharacterCodingException.class) ? Reason.INVALID_UTF8 : Reason.UNDECODABLE;
            throw new RejectedInput(reason, "not a " + what + " in the Confluent Avro wire format: " + messages(e), e);
        }
    }

    private static boolean causedBy(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    private static SchemaRegistryException registryCause(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SchemaRegistryException r) {
                return r;
            }
        }
        return null;
    }

    static String messages(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c.getMessage() != null) {
                sb.append(sb.length() == 0 ? "" : ": ").append(c.getMessage());
            }
        }
        return sb.toString();
    }
}
