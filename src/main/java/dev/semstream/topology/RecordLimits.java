package dev.semstream.topology;

/**
 * Every size limit of the pipeline, in one place, so that what the API accepts can be written to the input
 * topic, and what the embedder makes of any input record (its buffered copy, its embedding, its dead letter)
 * can be written too. A record that still cannot be written is dead-lettered truncated ({@link DeadLetters}).
 *
 * <pre>
 *   API body (MAX_BODY_BYTES)            1 MiB - 16 KiB   one posted text, in any input format, fits a record
 *   record (MAX_RECORD_BYTES)            1 MiB            every topic's max.message.bytes, every producer's
 *                                                         max.request.size (Kafka's own default)
 *   input key + value (MAX_INPUT_BYTES)  336 KiB          the repartition topic and the buffer hold the id, the
 *                                                         raw bytes and the decoded event: up to three times
 *   text (EmbedderConfig.maxTextBytes)   64 KiB           the encoder reads 256 tokens; longer is a dead letter
 * </pre>
 */
public final class RecordLimits {
    /** Largest record on any topic ({@code max.message.bytes}) and from any producer ({@code max.request.size}). */
    public static final int MAX_RECORD_BYTES = 1 << 20;
    /** What a record needs besides its value: key, headers, and Kafka's record and batch overhead. */
    public static final int ENVELOPE_BYTES = 16 << 10;
    /** Largest HTTP request body: a body holding one text becomes a value under a record's envelope. */
    public static final int MAX_BODY_BYTES = MAX_RECORD_BYTES - ENVELOPE_BYTES;
    /**
     * Largest input record (key and value) the embedder embeds: a record of the repartition topic and of the
     * buffer's changelog holds the id, the raw key and value, and the decoded event, so up to three times its
     * size; a larger one is a {@code RECORD_TOO_LARGE} dead letter.
     */
    public static final int MAX_INPUT_BYTES = (MAX_RECORD_BYTES - ENVELOPE_BYTES) / 3;
    /** The default largest text to embed, in UTF-8 bytes. */
    public static final int DEFAULT_MAX_TEXT_BYTES = 64 << 10;

    private RecordLimits() {
    }
}
