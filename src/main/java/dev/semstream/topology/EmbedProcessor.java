package dev.semstream.topology;

import dev.semstream.avro.Embedding;
import dev.semstream.avro.TextEvent;
import dev.semstream.model.Encoder;
import dev.semstream.topology.RejectedInput.Reason;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

/**
 * Decodes text events, buffers them, embeds them in batches, and writes each embedding to the vector
 * store and the embeddings topic; bad records go to the dead-letter topic.
 *
 * <p>Exactly once: the batch buffer is a changelogged store, not a field. A text is in the buffer's
 * changelog, or its embedding is in the output and the vector store's changelog, in the same
 * transaction as the input offset; a crash aborts both, and the input is read again. So a batch can be
 * cut by size or by a wall-clock punctuation without losing or doubling a record.
 */
final class EmbedProcessor implements Processor<byte[], byte[], Object, Object> {
    private final EmbedderConfig config;
    private final Encoder encoder;
    private final TextEventDecoder decoder;
    private ProcessorContext<Object, Object> context;
    private KeyValueStore<String, Embedding> vectors;
    private KeyValueStore<String, PendingText> buffer;

    EmbedProcessor(EmbedderConfig config, Encoder encoder, TextEventDecoder decoder) {
        this.config = config;
        this.encoder = encoder;
        this.decoder = decoder;
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        this.vectors = context.getStateStore(EmbedderConfig.VECTOR_STORE);
        this.buffer = context.getStateStore(EmbedderConfig.BUFFER_STORE);
        // Check twice per interval, so no text waits much longer than the interval.
        Duration tick = Duration.ofMillis(Math.max(1, config.flushInterval().toMillis() / 2));
        context.schedule(tick, PunctuationType.WALL_CLOCK_TIME, this::flushIfWaitedEnough);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        RecordMetadata source = context.recordMetadata().orElseThrow();
        try {
            if (record.value() == null) {
                delete(TextEventDecoder.tombstoneId(record.key()), record.timestamp());
                return;
            }
            TextEvent event = decoder.decode(source.topic(), record.key(), record.value());
            // Upserts replace: a newer text for an id still in the buffer supersedes the older one.
            buffer.put(event.getId(), new PendingText(event, record.timestamp(), source.topic(), source.partition(),
                    source.offset(), record.key(), record.value(), context.currentSystemTimeMs()));
            if (buffer.approximateNumEntries() >= config.batchSize()) {
                flush();
            }
        } catch (RejectedInput rejection) {
            deadLetter(rejection, source.topic(), source.partition(), source.offset(), record.key(), record.value(),
                    record.timestamp());
        }
    }

    /** A tombstone removes the id everywhere and is passed on, so the embeddings topic compacts it away. */
    private void delete(String id, long timestamp) {
        buffer.delete(id);
        vectors.delete(id);
        context.forward(new Record<>(id, null, timestamp), EmbedderTopology.EMBEDDINGS_SINK);
    }

    /**
     * The wall-clock flush: only when the oldest buffered text has waited the flush interval. Flushing
     * every partial buffer on every tick would, under load, cut each task's batch into a few texts (the
     * tick fires while other tasks' batches are encoding) and lose most of the batching gain.
     */
    private void flushIfWaitedEnough(long now) {
        long oldest = Long.MAX_VALUE;
        try (KeyValueIterator<String, PendingText> it = buffer.all()) {
            while (it.hasNext()) {
                oldest = Math.min(oldest, it.next().value.bufferedAtMs());
            }
        }
        if (oldest != Long.MAX_VALUE && now - oldest >= config.flushInterval().toMillis()) {
            flush();
        }
    }

    /** Embeds everything in the buffer as one batch. */
    private void flush() {
        List<PendingText> pending = new ArrayList<>();
        try (KeyValueIterator<String, PendingText> it = buffer.all()) {
            while (it.hasNext()) {
                KeyValue<String, PendingText> kv = it.next();
                pending.add(kv.value);
            }
        }
        if (pending.isEmpty()) {
            return;
        }
        List<String> texts = new ArrayList<>(pending.size());
        for (PendingText p : pending) {
            texts.add(p.event().getText());
        }
        List<dev.semstream.model.Embedding> vectorsOut;
        try {
            vectorsOut = encoder.embed(texts);
        } catch (RuntimeException batchFailure) {
            embedOneByOne(pending);
            return;
        }
        for (int i = 0; i < pending.size(); i++) {
            emit(pending.get(i), vectorsOut.get(i));
        }
    }

    /** A batch failed: find the text that broke it, dead-letter it, embed the rest. */
    private void embedOneByOne(List<PendingText> pending) {
        for (PendingText p : pending) {
            try {
                emit(p, encoder.embed(p.event().getText()));
            } catch (RuntimeException e) {
                buffer.delete(p.event().getId());
                deadLetter(new RejectedInput(Reason.ENCODER_FAILED, "the encoder failed on this text: " + e, e),
                        p.topic(), p.partition(), p.offset(), p.rawKey(), p.rawValue(), p.timestamp());
            }
        }
    }

    private void emit(PendingText p, dev.semstream.model.Embedding e) {
        TextEvent event = p.event();
        List<Float> vector = new ArrayList<>(e.vector().length);
        for (float v : e.vector()) {
            vector.add(v);
        }
        Embedding out = Embedding.newBuilder()
                .setId(event.getId())
                .setModelId(encoder.modelId())
                .setVector(vector)
                .setDimensions(e.vector().length)
                .setTokenCount(e.tokenCount())
                .setTruncated(e.truncated())
                .setText(event.getText())
                .setMetadata(new HashMap<>(event.getMetadata()))
                .setEventTime(event.getEventTime() != null ? event.getEventTime() : Instant.ofEpochMilli(p.timestamp()))
                .setEmbeddedAt(Instant.ofEpochMilli(context.currentSystemTimeMs()))
                .build();
        vectors.put(event.getId(), out);
        buffer.delete(event.getId());
        context.forward(new Record<>(event.getId(), out, p.timestamp()), EmbedderTopology.EMBEDDINGS_SINK);
    }

    private void deadLetter(RejectedInput rejection, String topic, int partition, long offset, byte[] key,
                            byte[] value, long timestamp) {
        context.forward(new Record<Object, Object>(key, value, timestamp,
                DeadLetters.headers(rejection, topic, partition, offset)), EmbedderTopology.DEAD_LETTER_SINK);
    }
}
