package dev.semstream.topology;

import dev.semstream.avro.TextEvent;

/**
 * A decoded text waiting in the batch buffer, with where it came from: enough to send it to the
 * dead-letter topic with its original bytes and context if the batch cannot embed it. {@code bufferedAtMs}
 * is the wall-clock time it entered the buffer: a partial batch is flushed once its oldest text has
 * waited the flush interval.
 */
record PendingText(TextEvent event, long timestamp, String topic, int partition, long offset, byte[] rawKey,
                   byte[] rawValue, long bufferedAtMs) {
}
