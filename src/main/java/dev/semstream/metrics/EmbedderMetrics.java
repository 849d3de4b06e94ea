package dev.semstream.metrics;

import dev.semstream.model.BatchTimings;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The embedder's meters, shared by every stream thread of the instance (Micrometer's meters are
 * thread-safe). Each record method is an add or a histogram bucket increment, tens of nanoseconds, with
 * no allocation; the stages cost a {@code System.nanoTime()} pair each on top.
 */
public final class EmbedderMetrics {
    private final Counter textsEmbedded;
    private final DistributionSummary batchSize;
    private final Timer decode;
    private final Timer tokenize;
    private final Timer encode;
    private final Timer emit;
    private final Timer eventToEmbedding;
    private final DeadLetterCounts deadLetters;
    private final MeterRegistry registry;
    /** Vectors written per model (inline and re-embedded), by model id. */
    private final Map<String, Counter> byModel = new ConcurrentHashMap<>();
    /** The tokenize and encode stages, as the encoder reports them; one object for every batch. */
    private final BatchTimings encoderStages;

    EmbedderMetrics(MeterRegistry registry, DeadLetterCounts deadLetters) {
        this.textsEmbedded = Meters.counter(registry, "semstream.texts.embedded",
                "texts embedded and written to the embeddings topic");
        this.batchSize = Meters.counts(registry, "semstream.batch.size", "texts per batch sent to the encoder");
        String stage = "semstream.stage";
        String stageHelp = "time per stage: decode per record, tokenize, encode and emit per batch";
        this.decode = Meters.latency(registry, stage, stageHelp, "stage", "decode");
        this.tokenize = Meters.latency(registry, stage, stageHelp, "stage", "tokenize");
        this.encode = Meters.latency(registry, stage, stageHelp, "stage", "encode");
        this.emit = Meters.latency(registry, stage, stageHelp, "stage", "emit");
        this.eventToEmbedding = Meters.latency(registry, "semstream.event.to.embedding",
                "from a text's event time (or record timestamp) to its embedding's emit");
        this.deadLetters = deadLetters;
        this.registry = registry;
        this.encoderStages = (tokenizeNanos, encodeNanos) -> {
            tokenize.record(tokenizeNanos, TimeUnit.NANOSECONDS);
            encode.record(encodeNanos, TimeUnit.NANOSECONDS);
        };
    }


    public void decoded(long nanos) {
        decode.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Hand to {@code Encoder.embed(texts, timings)}. */
    public BatchTimings encoderStages() {
        return encoderStages;
    }

    public void batchSent(int texts) {
        batchSize.record(texts);
    }

    /** A finished batch written out: its emit stage. */
    public void batchEmitted(long nanos) {
        emit.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** One embedding written; {@code sinceEventMs} is clamped at 0 (a producer's clock may be ahead). */
    public void embedded(long sinceEventMs) {
        textsEmbedded.increment();
        eventToEmbedding.record(Math.max(0, sinceEventMs), TimeUnit.MILLISECONDS);
    }

    /**
     * One vector of the model written to the store and the embeddings topic: a text embedded inline (by
     * each live model) or re-embedded. During a rebuild the new model's count grows by both.
     */
    public void modelEmbedded(String modelId) {
        byModel.computeIfAbsent(modelId, m -> Meters.counter(registry, "semstream.model.vectors.written",
                "vectors written to the store and the embeddings topic, per model", "model", m)).increment();
    }

    /** Texts embedded so far by this instance: the status line's texts/s is its rate. */
    public double textsEmbedded() {
        return textsEmbedded.count();
    }

    public DeadLetterCounts deadLetters() {
        return deadLetters;
    }
}
