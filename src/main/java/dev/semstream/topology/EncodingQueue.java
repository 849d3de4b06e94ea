package dev.semstream.topology;

import dev.semstream.model.BatchTimings;
import dev.semstream.model.TextVector;
import dev.semstream.model.Encoder;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Where the embedder's batches are encoded. In the background (the default) one thread encodes while the
 * stream threads decode, emit, commit and poll: a transaction commit waits on the broker for
 * milliseconds, and with encoding on the stream thread the cores idled through every such wait. Inline
 * runs each batch on the caller, which {@code TopologyTestDriver} tests want: results are there when
 * {@code pipeInput} returns.
 */
public final class EncodingQueue {
    private final Encoder encoder;
    private final Executor executor;

    /** @param executor runs each batch; one thread, so batches never compete for the encoder's cores */
    public EncodingQueue(Encoder encoder, Executor executor) {
        this.encoder = encoder;
        this.executor = executor;
    }

    /** Batches encoded one at a time on a daemon thread of their own. */
    public static EncodingQueue background(Encoder encoder) {
        return new EncodingQueue(encoder, IdleExitingThread.named("semstream-encoder"));
    }

    /** Batches encoded on the calling thread, before {@link #submit} returns. */
    public static EncodingQueue inline(Encoder encoder) {
        return new EncodingQueue(encoder, Runnable::run);
    }

    public Encoder encoder() {
        return encoder;
    }

    /**
     * Encodes the texts in order, telling {@code timings} how long its stages took; the future fails with
     * the encoder's exception if the batch fails.
     */
    CompletableFuture<List<TextVector>> submit(List<String> texts, BatchTimings timings) {
        return submit(encoder, texts, timings);
    }

    /**
     * As above with another model's encoder (a re-embedding's): on the same thread, so two models' batches
     * take turns rather than compete for the cores.
     */
    CompletableFuture<List<TextVector>> submit(Encoder with, List<String> texts, BatchTimings timings) {
        return CompletableFuture.supplyAsync(() -> with.embed(texts, timings), executor);
    }
}
