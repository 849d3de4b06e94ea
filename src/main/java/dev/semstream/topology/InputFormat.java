package dev.semstream.topology;

/**
 * How records on the input topic are written ({@link TextEventWriter}) and read ({@link TextEventDecoder}).
 * In every format the record key is the id, and a null value keyed by the id (a tombstone) deletes it.
 */
public enum InputFormat {
    /** Avro {@code TextEvent} in the Confluent wire format, schema from the Schema Registry (default). */
    AVRO,
    /**
     * The value is the text itself, UTF-8; the record key (UTF-8) is the id. No metadata; the event time is
     * the record's timestamp.
     */
    TEXT,
    /** The value is JSON: {@code {"id": "...", "text": "...", "metadata": {...}, "eventTime": millis}}. */
    JSON
}
