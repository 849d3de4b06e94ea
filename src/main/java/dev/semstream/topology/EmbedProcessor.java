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
import org.apache.kafka.common.serialization.StringSerializer;
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
import java.util.Map;
import java.util.Optional;

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
    private final ModelControl control;
    private final EmbedderMetrics metrics;
    private ProcessorContext<Object, Object> context;
    private KeyValueStore<String, Embedding> vectors;
    private KeyValueStore<String, PendingText> buffer;
    /**
     * This partition's search index per model (the active one, the one being built, kept or retiring ones):
     * each follows its model's keys in {@link #vectors}, rebuilt from them whenever the task opens.
     */
    private final Map<String, StoreBackedIndex> models = new LinkedHashMap<>();
    /** The re-embedding of this partition's texts into the model being built, or null. */
    private Backfill backfill;
    /** After a switch, the previous model's texts the active one still lacks (see {@link #repairSwitch}), or null. */
    private Backfill repair;
    private long progressReportedAt;
    private boolean reportedCaughtUp;
    /** The build whose caught-up report this task has withdrawn (see {@link #writtenWithout}); 0 for none. */
    private long behindReportedFor;
    /** The build this task (partition 0's) wrote the switch for: it writes it once. */
    private long switchWrittenFor = -1;
    private static final long PROGRESS_EVERY_MS = 1_000;
    /** Retired vectors deleted per punctuation at most, so the stream thread keeps its poll interval. */
    private static final int DROP_PER_TICK = 1_000;
    /** How many batches' worth of texts a task gathers while its batch encodes before the stream thread waits. */
    private static final int BACKLOG_BATCHES = 4;
    /** The batch being encoded for this task, or null; lost on a crash, which the buffer makes harmless. */
    private InFlight inFlight;

    /**
     * Texts sent to the encoder by id, in the order each model's embeddings come back: one result per live
     * model when the batch was sent (the active model first).
     */
    private record InFlight(LinkedHashMap<String, PendingText> texts, List<Encoder> encoders,
                            List<CompletableFuture<List<TextVector>>> results) {
        boolean isDone() {
            return results.stream().allMatch(CompletableFuture::isDone);
        }

        void await() {
            results.forEach(r -> r.exceptionally(failure -> null).join());
        }
    }

    EmbedProcessor(EmbedderConfig config, EncodingQueue encoding, QueryableIndexes indexes, ModelControl control,
                   EmbedderMetrics metrics) {
        this.config = config;
        this.encoding = encoding;
        this.indexes = indexes;
        this.control = control;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        this.vectors = context.getStateStore(EmbedderConfig.VECTOR_STORE);
        this.buffer = context.getStateStore(EmbedderConfig.BUFFER_STORE);
        VectorKeys.migrateLegacy(vectors);
        // init runs once the stores are restored, so the indexes are built from exactly what the store holds.
        // Nothing may be forwarded yet: the backfill, its reports and the switch start at the first tick.
        openIndex(control.activeEncoder().orElseThrow(() -> new IllegalStateException("the active model "
                + control.activeModelId() + " cannot be loaded on this instance")));
        control.buildingEncoder().ifPresent(this::openIndex);
        // Check twice per interval, so no text waits much longer than the interval; at most every 10 ms,
        // so finished batches are emitted soon even when no record arrives.
        Duration tick = Duration.ofMillis(Math.max(1, Math.min(10, config.flushInterval().toMillis() / 2)));
        context.schedule(tick, PunctuationType.WALL_CLOCK_TIME, this::onTick);
    }

    @Override
    public void process(Record<String, PendingText> record) {
        emitOrSendNext();
        models.values().forEach(StoreBackedIndex::swapInGraphIfBuilt);
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
        models.values().forEach(StoreBackedIndex::close);
        models.clear();
        backfill = null;
        repair = null;
    }

    /** A tombstone removes the id everywhere and is passed on, so the embeddings topic compacts it away. */
    private void delete(String id, long timestamp) {
        buffer.delete(id);
        models.forEach((model, index) -> {
            vectors.delete(VectorKeys.key(model, id));
            index.delete(id);
        });
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
        models.values().forEach(StoreBackedIndex::swapInGraphIfBuilt);
        followControl(now);
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
            previous.await();
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
            List<Encoder> encoders = liveEncoders();
            List<CompletableFuture<List<TextVector>>> results = new ArrayList<>(encoders.size());
            for (Encoder e : encoders) {
                results.add(encoding.submit(e, texts, metrics.encoderStages()));
            }
            inFlight = new InFlight(pending, encoders, results);
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
        if (inFlight != null && inFlight.isDone() && waitingCount() >= config.batchSize()) {
            sendBatch();
        } else {
            emitIfDone();
        }
    }

    private void emitIfDone() {
        InFlight batch = inFlight;
        if (batch != null && batch.isDone()) {
            inFlight = null;
            emit(batch);
        }
    }

    /**
     * Emits a finished batch: each text still buffered as sent gets its embedding of every model it was sent
     * to; a failed batch is retried text by text.
     */
    private void emit(InFlight batch) {
        long start = System.nanoTime();
        List<List<TextVector>> encoded = new ArrayList<>(batch.results().size());
        try {
            for (CompletableFuture<List<TextVector>> r : batch.results()) {
                encoded.add(r.join());
            }
        } catch (CompletionException | CancellationException batchFailure) {
            embedOneByOne(batch.texts().values(), batch.encoders());
            return;
        }
        int i = 0;
        for (PendingText sent : batch.texts().values()) {
            if (stillBuffered(sent)) {
                for (int m = 0; m < batch.encoders().size(); m++) {
                    emit(sent, batch.encoders().get(m).modelId(), encoded.get(m).get(i));
                }
                buffer.delete(sent.event().getId());
                writtenWithout(batch.encoders());
            }
            i++;
        }
        metrics.batchEmitted(System.nanoTime() - start);
    }

    /**
     * Texts were just written with {@code encoders}. If a re-embedding is asked for and they lack its model
     * (sent before this task's backfill began, or before the model loaded on this instance), the backfill must
     * look at their ids again, and this partition is behind: it says so on the control topic in this same
     * transaction. A caught-up report from before (this task's before a restart, or another instance's before
     * the partition moved) would otherwise let partition 0 switch with these texts lacking the new model's
     * vector. The switch can still pass such a text that is written at the same moment; the repair pass after
     * the switch ({@link #repairSwitch}) embeds those.
     */
    private void writtenWithout(List<Encoder> encoders) {
        ControlState state = control.state();
        if (state.build() == null || backfill != null && encoders.contains(backfill.to())) {
            return;
        }
        if (backfill != null) {
            backfill.liveTextsMissed();
        }
        int partition = context.taskId().partition();
        ControlState.BuildProgress last = state.currentProgress().get(partition);
        if (last != null && last.caughtUp() && behindReportedFor != state.build().requestedAt()) {
            behindReportedFor = state.build().requestedAt();
            reportedCaughtUp = false;
            long now = context.currentSystemTimeMs();
            forwardControl(ControlRecords.progressKey(partition), ControlRecords.progress(new ControlState.BuildProgress(
                    last.model(), last.requestedAt(), last.done(), last.total(), false, now)), now);
        }
    }

    /** False when a tombstone or a newer text for the id arrived while this one was encoding. */
    private boolean stillBuffered(PendingText sent) {
        return sameText(buffer.get(sent.event().getId()), sent);
    }

    /** A batch failed: find the text that broke it (by any of the models), dead-letter it, embed the rest. */
    private void embedOneByOne(Collection<PendingText> pending, List<Encoder> encoders) {
        for (PendingText p : pending) {
            if (!stillBuffered(p)) {
                continue;
            }
            List<TextVector> vectors = new ArrayList<>(encoders.size());
            try {
                for (Encoder e : encoders) {
                    vectors.add(e.embed(p.event().getText()));
                }
            } catch (RuntimeException e) {
                buffer.delete(p.event().getId());
                metrics.deadLetters().count(Reason.ENCODER_FAILED);
                context.forward(DeadLetters.record(new RejectedInput(Reason.ENCODER_FAILED,
                        "the encoder failed on this text: " + e, e), p.topic(), p.partition(), p.offset(), p.rawKey(),
                        p.rawValue(), p.timestamp()), EmbedderTopology.DEAD_LETTER_SINK);
                continue;
            }
            for (int m = 0; m < encoders.size(); m++) {
                emit(p, encoders.get(m).modelId(), vectors.get(m));
            }
            buffer.delete(p.event().getId());
            writtenWithout(encoders);
        }
    }

    private void emit(PendingText p, String modelId, TextVector e) {
        TextEvent event = p.event();
        Instant eventTime = event.getEventTime() != null ? event.getEventTime() : Instant.ofEpochMilli(p.timestamp());
        long now = context.currentSystemTimeMs();
        Embedding out = Embedding.newBuilder()
                .setId(event.getId())
                .setModelId(modelId)
                .setVector(EmbeddingRecords.vectorField(e.vector()))
                .setDimensions(e.vector().length)
                .setTokenCount(e.tokenCount())
                .setTruncated(e.truncated())
                .setText(event.getText())
                .setMetadata(new HashMap<>(event.getMetadata()))
                .setEventTime(eventTime)
                .setEmbeddedAt(Instant.ofEpochMilli(now))
                .build();
        write(out, e.vector(), p.timestamp());
        metrics.embedded(now - eventTime.toEpochMilli());
    }

    /** One model's vector of a text: to the store, the model's index, the embeddings topic. */
    private void write(Embedding out, float[] vector, long timestamp) {
        if (dropping(control.state(), out.getModelId())) {
            // Encoded before its build was cancelled: the model is going, so the vector is not written.
            return;
        }
        vectors.put(VectorKeys.key(out.getModelId(), out.getId()), out);
        StoreBackedIndex index = models.get(out.getModelId());
        if (index != null) {
            index.upsert(new VectorEntry(out.getId(), vector, out.getModelId(), out.getMetadata(), out.getText()));
        }
        context.forward(new Record<>(out.getId(), out, timestamp), EmbedderTopology.EMBEDDINGS_SINK);
        metrics.modelEmbedded(out.getModelId());
    }

    /** The models every new text is embedded by: the active one first, the one being built, kept ones. */
    private List<Encoder> liveEncoders() {
        List<Encoder> live = new ArrayList<>(3);
        live.add(control.activeEncoder().orElseThrow(() -> new IllegalStateException("the active model "
                + control.activeModelId() + " cannot be loaded on this instance")));
        if (backfill != null) {
            live.add(backfill.to());
        }
        for (String location : control.state().kept().values()) {
            control.loaded(location).filter(e -> !live.contains(e)).ifPresent(live::add);
        }
        return live;
    }

    /**
     * Follows the control topic: opens an index for every model this task serves, runs the backfill into
     * the model being built and reports its progress, writes the switch when every partition has caught up
     * (partition 0's task), drops retired models' vectors after their grace period and a cancelled build's at once.
     */
    private void followControl(long now) {
        ControlState state = control.state();
        String active = control.activeModelId();
        int partition = context.taskId().partition();
        openIndex(control.activeEncoder().orElseThrow(() -> new IllegalStateException("the active model "
                + active + " cannot be loaded on this instance")));
        Optional<Encoder> building = control.buildingEncoder();
        if (building.isPresent()) {
            if (backfill == null || !backfill.to().equals(building.get()) || !backfill.from().equals(active)) {
                backfill = new Backfill(active, building.get());
                reportedCaughtUp = false;
                progressReportedAt = 0;
            }
            openIndex(building.get());
            step(backfill, now);
            reportProgress(state, partition, active, now);
            if (partition == 0 && state.caughtUp(building.get().modelId())
                    && switchWrittenFor != state.build().requestedAt()) {
                writeSwitch(state, active, building.get().modelId(), now);
            }
        } else {
            backfill = null;
            repairSwitch(state, now);
        }
        for (String location : state.kept().values()) {
            control.loaded(location).ifPresent(this::openIndex);
        }
        for (String model : state.dropping().keySet()) {
            if (dropping(state, model)) {
                dropSome(model, active, now);
            }
        }
        for (Map.Entry<String, Long> retired : state.retired().entrySet()) {
            String model = retired.getKey();
            if (model.equals(active) || building.map(b -> b.modelId().equals(model)).orElse(false)) {
                continue;
            }
            if (now < retired.getValue()) {
                control.encoder(model).ifPresent(this::openIndex);
            } else {
                dropSome(model, null, now);
            }
        }
    }

    /**
     * After a switch, re-embeds with the active model the previous model's texts it has no vector of, while the
     * previous vectors are still stored (kept, or retired and in their grace period); one pass per opening of
     * the task, which finds nothing in the common case. The switch trusts every partition's last caught-up
     * report, and a report made before its task was reopened (a restart, a move to another instance) can be
     * stale: the reopened task may have embedded texts by the old model alone before its first tick, or while
     * the new model was loading on its instance. Without this those texts would be missing from the new
     * model's vectors for good.
     */
    private void repairSwitch(ControlState state, long now) {
        String previous = state.active() == null ? null : state.active().previous();
        Long dropAt = previous == null ? null : state.retired().get(previous);
        boolean stillStored = previous != null && (state.kept().containsKey(previous) || dropAt != null && now < dropAt);
        Optional<Encoder> active = control.activeEncoder();
        if (!stillStored || active.isEmpty()) {
            repair = null;
            return;
        }
        Encoder to = active.get();
        if (repair == null || !repair.from().equals(previous) || !repair.to().equals(to)) {
            repair = new Backfill(previous, to);
        }
        step(repair, now);
    }

    /** One step of a re-embedding of this store's texts into {@code b}'s model, behind live batches. */
    private void step(Backfill b, long now) {
        Encoder to = b.to();
        b.step(vectors, config.batchSize(), texts -> encoding.submit(to, texts, metrics.encoderStages()),
                (source, vector) -> write(backfilled(source, to.modelId(), vector, now), vector.vector(), now));
    }

    /**
     * A model of a cancelled build that nothing serves now: not active, kept, or being built again (loaded
     * here, or reported by a partition). Its vectors are not written, and every task deletes them at once.
     */
    private boolean dropping(ControlState state, String model) {
        if (!state.dropping().containsKey(model) || model.equals(control.activeModelId())
                || state.kept().containsKey(model)) {
            return false;
        }
        if (control.buildingEncoder().map(b -> b.modelId().equals(model)).orElse(false)) {
            return false;
        }
        return state.currentProgress().values().stream().noneMatch(p -> p.model().equals(model));
    }

    private void openIndex(Encoder encoder) {
        models.computeIfAbsent(encoder.modelId(), m -> StoreBackedIndex.open(context.taskId().partition(), indexes,
                vectors, IndexConfig.of(encoder.modelId(), encoder.dimensions())
                        .withVectorEncoding(config.vectorEncodings().forModel(encoder.modelId())),
                config.graphBuild()));
    }

    private void reportProgress(ControlState state, int partition, String active, long now) {
        boolean caughtUp = backfill.caughtUp();
        if (now - progressReportedAt < PROGRESS_EVERY_MS && caughtUp == reportedCaughtUp) {
            return;
        }
        progressReportedAt = now;
        reportedCaughtUp = caughtUp;
        if (caughtUp) {
            behindReportedFor = 0;
        }
        String model = backfill.to().modelId();
        long done = models.get(model).live().size();
        long total = models.get(active).live().size();
        forwardControl(ControlRecords.progressKey(partition), ControlRecords.progress(new ControlState.BuildProgress(
                model, state.build().requestedAt(), done, total, caughtUp, now)), now);
    }

    /** Every partition has the new model's vector of every text: the new model becomes the active one. */
    private void writeSwitch(ControlState state, String old, String next, long now) {
        switchWrittenFor = state.build().requestedAt();
        ControlState.ModelBuild build = state.build();
        forwardControl(ControlRecords.ACTIVE, ControlRecords.switched(new ControlState.ActiveModel(next,
                build.location(), now, old), build.requestedAt()), now);
        forwardControl(ControlRecords.retiredKey(next), null, now);
        forwardControl(ControlRecords.keptKey(next), null, now);
        ControlState.ActiveModel was = state.active();
        if (build.keep()) {
            forwardControl(ControlRecords.keptKey(old), ControlRecords.kept(was == null
                    ? control.ownLocation() : was.location(), build.requestedAt()), now);
        } else {
            forwardControl(ControlRecords.retiredKey(old), ControlRecords.retired(now + build.graceMs(),
                    build.requestedAt()), now);
        }
        forwardControl(ControlRecords.BUILD, null, now);
    }

    private void forwardControl(String key, String value, long now) {
        context.forward(new Record<>(key, value, now), EmbedderTopology.CONTROL_SINK);
    }

    /**
     * Past its grace period, or its build cancelled: a chunk of the model's vectors goes, then its index.
     *
     * @param republish for a cancelled build, the active model: each id's active record is sent to the
     *                  embeddings topic again, so the compacted topic's latest record of the id is the active
     *                  model's rather than the cancelled one's; null after a switch, where it is already
     */
    private void dropSome(String model, String republish, long now) {
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, Embedding> it = vectors.prefixScan(VectorKeys.prefix(model),
                new StringSerializer())) {
            while (it.hasNext() && keys.size() < DROP_PER_TICK) {
                keys.add(it.next().key);
            }
        }
        keys.forEach(vectors::delete);
        if (republish != null) {
            for (String key : keys) {
                String id = VectorKeys.id(key);
                Embedding current = vectors.get(VectorKeys.key(republish, id));
                if (current != null) {
                    context.forward(new Record<>(id, current, now), EmbedderTopology.EMBEDDINGS_SINK);
                }
            }
        }
        if (keys.size() < DROP_PER_TICK) {
            StoreBackedIndex index = models.remove(model);
            if (index != null) {
                index.close();
            }
            control.unload(model);
        } else {
            StoreBackedIndex index = models.get(model);
            if (index != null) {
                keys.forEach(k -> index.delete(VectorKeys.id(k)));
            }
        }
    }

    /** The new model's record of a stored text: its text, metadata and event time, the new vector. */
    private static Embedding backfilled(Embedding source, String modelId, TextVector e, long now) {
        return Embedding.newBuilder(source)
                .setModelId(modelId)
                .setVector(EmbeddingRecords.vectorField(e.vector()))
                .setDimensions(e.vector().length)
                .setTokenCount(e.tokenCount())
                .setTruncated(e.truncated())
                .setEmbeddedAt(Instant.ofEpochMilli(now))
                .build();
    }
}
