package dev.semstream.topology;

import dev.semstream.avro.Embedding;
import dev.semstream.avro.TextEvent;
import dev.semstream.metrics.EmbedderMetrics;
import dev.semstream.model.Encoder;
import dev.semstream.model.TextVector;
import dev.semstream.store.IndexConfig;
import dev.semstream.store.QueryableIndexes;
import dev.semstream.store.VectorEntry;
import dev.semstream.topology.RejectedInput.Reason;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.List;

/**
 * Buffers text events (decoded and keyed by id by {@link DecodeProcessor}), embeds them in batches, and writes each embedding to the vector
 * store and the embeddings topic; bad records go to the dead-letter topic.
 *
 * <p>Exactly once: the batch buffer is a changelogged store, not a field. A text is in the buffer's
 * changelog, or its embedding is in the output and the vector store's changelog, in the same
 * transaction as the input offset; a crash aborts both, and the input is read again. So a batch can be
 * cut by size or by a wall-clock punctuation without losing or doubling a record.
 *
 * <p>Encoding is asynchronous: a full batch goes to the {@link EncodingQueue} and its texts stay in the
 * buffer (so a commit meanwhile still holds them) until their embeddings come back. Results are emitted
 * on the stream thread, in {@code process} or a punctuation, never from the encoding thread, and only for
 * texts still buffered as they were sent: an upsert or a tombstone that arrived meanwhile wins. One batch
 * per task is in flight at a time; the next is sent before the previous one's results are emitted, so
 * the encoder is busy while the stream thread writes. The stream thread does not wait for the encoder
 * unless a task has gathered several batches meanwhile, so it keeps decoding and feeding other tasks.
 */
final class EmbedProcessor implements Processor<String, PendingText, Object, Object> {
    private final EmbedderConfig config;
    private final EncodingQueue encoding;
    private final QueryableIndexes indexes;
    private final EmbedderMetrics metrics;
    private ProcessorContext<Object, Object> context;
    private KeyValueStore<String, Embedding> vectors;
    private KeyValueStore<String, PendingText> buffer;
    /** This partition's search index: follows {@link #vectors}, rebuilt from it whenever the task opens. */
    private StoreBackedIndex index;
    /** How many batches' worth of texts a task gathers while its batch encodes before the stream thread waits. */
    private static final int BACKLOG_BATCHES = 4;
    /** The batch being encoded for this task, or null; lost on a crash, which the buffer makes harmless. */
    private InFlight inFlight;

    /** Texts sent to the encoder by id, in the order the future's embeddings come back. */
    private record InFlight(LinkedHashMap<String, PendingText> texts,
                            CompletableFuture<List<TextVector>> result) {
    }

    EmbedProcessor(EmbedderConfig config, EncodingQueue encoding, QueryableIndexes indexes, EmbedderMetrics metrics) {
        this.config = config;
        this.encoding = encoding;
        this.indexes = indexes;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        this.vectors = context.getStateStore(EmbedderConfig.VECTOR_STORE);
        this.buffer = context.getStateStore(EmbedderConfig.BUFFER_STORE);
        // init runs once the stores are restored, so the index is built from exactly what the store holds.
        Encoder encoder = encoding.encoder();
        this.index = StoreBackedIndex.open(context.taskId().partition(), indexes, vectors,
                IndexConfig.of(encoder.modelId(), encoder.dimensions()).withVectorEncoding(config.vectorEncoding()),
                config.graphBuild());
        // Check twice per interval, so no text waits much longer than the interval; at most every 10 ms,
        // so finished batches are emitted soon even when no record arrives.
        Duration tick = Duration.ofMillis(Math.max(1, Math.min(10, config.flushInterval().toMillis() / 2)));
        context.schedule(tick, PunctuationType.WALL_CLOCK_TIME, this::onTick);
    }

    @Override
    public void process(Record<String, PendingText> record) {
        emitOrSendNext();
        index.swapInGraphIfBuilt();
        if (record.value() == null) {
            delete(record.key(), record.timestamp());
            return;
        }
        PendingText p = record.value();
        // Upserts replace: a newer text for an id still in the buffer supersedes the older one.
        buffer.put(record.key(), new PendingText(p.event(), p.timestamp(), p.topic(), p.partition(), p.offset(),
                p.rawKey(), p.rawValue(), context.currentSystemTimeMs()));
        // One batch in flight per task; while it encodes, texts gather for the next. The stream thread
        // waits for the encoder only when a task has gathered several batches' worth (back-pressure).
        if (waitingCount() >= (inFlight == null ? 1 : BACKLOG_BATCHES) * (long) config.batchSize()) {
            sendBatch();
        }
    }

    @Override
    public void close() {
        // A batch still encoding is dropped: its texts are in the buffer's changelog, and whoever opens
        // this task next encodes them again.
        inFlight = null;
        // The store may be rolled back (an aborted transaction) or move to another instance: the index
        // leaves with the task, and the next init builds a new one from the store as it is then.
        if (index != null) {
            index.close();
            index = null;
        }
    }

    /** A tombstone removes the id everywhere and is passed on, so the embeddings topic compacts it away. */
    private void delete(String id, long timestamp) {
        buffer.delete(id);
        vectors.delete(id);
        index.delete(id);
        context.forward(new Record<>(id, null, timestamp), EmbedderTopology.EMBEDDINGS_SINK);
    }

    /**
     * Buffered texts not yet sent to the encoder. An upsert of a text in flight counts as in flight until
     * that batch returns; it goes with the next batch.
     */
    private long waitingCount() {
        return buffer.approximateNumEntries() - (inFlight == null ? 0 : inFlight.texts().size());
    }

    /**
     * The wall-clock punctuation: emits a finished batch, and sends a partial one only when its oldest
     * text has waited the flush interval. Sending every partial buffer on every tick would, under load,
     * cut each task's batch into a few texts (the tick fires while other tasks' batches are encoding) and
     * lose most of the batching gain.
     */
    private void onTick(long now) {
        emitOrSendNext();
        index.swapInGraphIfBuilt();
        if (inFlight != null) {
            return;
        }
        long oldest = Long.MAX_VALUE;
        try (KeyValueIterator<String, PendingText> it = buffer.all()) {
            while (it.hasNext()) {
                oldest = Math.min(oldest, it.next().value.bufferedAtMs());
            }
        }
        if (oldest != Long.MAX_VALUE && now - oldest >= config.flushInterval().toMillis()) {
            sendBatch();
        }
    }

    /**
     * Sends every buffered text not already in flight as one batch. If this task's previous batch is still
     * encoding, waits for it first (back-pressure: the encoder is busy anyway), then emits it after the
     * new batch is on its way.
     */
    private void sendBatch() {
        InFlight previous = inFlight;
        if (previous != null) {
            previous.result().exceptionally(failure -> null).join();
        }
        LinkedHashMap<String, PendingText> pending = new LinkedHashMap<>();
        try (KeyValueIterator<String, PendingText> it = buffer.all()) {
            while (it.hasNext() && pending.size() < config.batchSize()) {
                KeyValue<String, PendingText> kv = it.next();
                if (previous == null || !sameText(previous.texts().get(kv.key), kv.value)) {
                    pending.put(kv.key, kv.value);
                }
            }
        }
        inFlight = null;
        if (!pending.isEmpty()) {
            List<String> texts = new ArrayList<>(pending.size());
            for (PendingText p : pending.values()) {
                texts.add(p.event().getText());
            }
            metrics.batchSent(texts.size());
            inFlight = new InFlight(pending, encoding.submit(texts, metrics.encoderStages()));
        }
        if (previous != null) {
            emit(previous);
        }
        // An inline queue has finished already: emit now rather than at the next record or tick.
        emitIfDone();
    }

    /** The same record of the input: an upsert of the id since is another text. */
    private static boolean sameText(PendingText a, PendingText b) {
        return a != null && b != null && a.partition() == b.partition() && a.offset() == b.offset()
                && a.topic().equals(b.topic());
    }

    /**
     * A finished batch: if a full batch has gathered meanwhile, send it first and emit after, so the
     * encoder has work while the stream thread writes; else just emit.
     */
    private void emitOrSendNext() {
        if (inFlight != null && inFlight.result().isDone() && waitingCount() >= config.batchSize()) {
            sendBatch();
        } else {
            emitIfDone();
        }
    }

    private void emitIfDone() {
        InFlight batch = inFlight;
        if (batch != null && batch.result().isDone()) {
            inFlight = null;
            emit(batch);
        }
    }

    /** Emits a finished batch: each text still buffered as sent gets its embedding; a failed batch is retried text by text. */
    private void emit(InFlight batch) {
        long start = System.nanoTime();
        List<TextVector> encoded;
        try {
            encoded = batch.result().join();
        } catch (CompletionException | CancellationException batchFailure) {
            embedOneByOne(batch.texts().values());
            return;
        }
        int i = 0;
        for (PendingText sent : batch.texts().values()) {
            if (stillBuffered(sent)) {
                emit(sent, encoded.get(i));
            }
            i++;
        }
        metrics.batchEmitted(System.nanoTime() - start);
    }

    /** False when a tombstone or a newer text for the id arrived while this one was encoding. */
    private boolean stillBuffered(PendingText sent) {
        return sameText(buffer.get(sent.event().getId()), sent);
    }

    /** A batch failed: find the text that broke it, dead-letter it, embed the rest. */
    private void embedOneByOne(Collection<PendingText> pending) {
        for (PendingText p : pending) {
            if (!stillBuffered(p)) {
                continue;
            }
            try {
                emit(p, encoding.encoder().embed(p.event().getText()));
            } catch (RuntimeException e) {
                buffer.delete(p.event().getId());
                metrics.deadLetters().count(Reason.ENCODER_FAILED);
                context.forward(DeadLetters.record(new RejectedInput(Reason.ENCODER_FAILED,
                        "the encoder failed on this text: " + e, e), p.topic(), p.partition(), p.offset(), p.rawKey(),
                        p.rawValue(), p.timestamp()), EmbedderTopology.DEAD_LETTER_SINK);
            }
        }
    }
    private void emit(PendingText p, TextVector e) {
        TextEvent event = p.event();
        Instant eventTime = event.getEventTime() != null ? event.getEventTime() : Instant.ofEpochMilli(p.timestamp());
        long now = context.currentSystemTimeMs();
        Embedding out = Embedding.newBuilder()
                .setId(event.getId())
                .setModelId(encoding.encoder().modelId())
                .setVector(EmbeddingRecords.vectorField(e.vector()))
                .setDimensions(e.vector().length)
                .setTokenCount(e.tokenCount())
                .setTruncated(e.truncated())
                .setText(event.getText())
                .setMetadata(new HashMap<>(event.getMetadata()))
                .setEventTime(eventTime)
                .setEmbeddedAt(Instant.ofEpochMilli(now))
                .build();
        vectors.put(event.getId(), out);
        index.upsert(new VectorEntry(event.getId(), e.vector(), out.getModelId(), out.getMetadata(), out.getText()));
        buffer.delete(event.getId());
        context.forward(new Record<>(event.getId(), out, p.timestamp()), EmbedderTopology.EMBEDDINGS_SINK);
        metrics.embedded(now - eventTime.toEpochMilli());
    }
}
