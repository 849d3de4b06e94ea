package dev.semstream.topology;

/** How records on the input topic are written. */
public enum InputFormat {
    /** Avro {@code TextEvent} in the Confluent wire format, schema from the Schema Registry (default). */
    AVRO,
    /** The value is the text itself, UTF-8; the record key (UTF-8) is the id. */
    TEXT,
    /** The value is JSON: {@code {"id": "...", "text": "...", "metadata": {...}, "eventTime": millis}}. */
    JSON
}
