package dev.semstream.topology;

import dev.semstream.model.Embedding;
import dev.semstream.model.Encoder;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Where the embedder's batches are encoded. In the background (the default) one thread encodes while the
 * stream threads decode, emit, commit and poll: a transaction commit waits on the broker for
 * milliseconds, and with encoding on the stream thread the cores idled through every such wait. Inline
 * runs each batch on the caller, which {@code TopologyTestDriver} tests want: results are there when
 * {@code pipeInput} returns.
 */
public final class EncodingQueue {
    /** How long the idle encoding thread lingers before it exits; the next batch starts a new one. */
    private static final long IDLE_SECONDS = 30;

    private final Encoder encoder;
    private final Executor executor;

    /** @param executor runs each batch; one thread, so batches never compete for the encoder's cores */
    public EncodingQueue(Encoder encoder, Executor executor) {
        this.encoder = encoder;
        this.executor = executor;
    }

    /** Batches encoded one at a time on a daemon thread of their own. */
    public static EncodingQueue background(Encoder encoder) {
        ThreadPoolExecutor thread = new ThreadPoolExecutor(1, 1, IDLE_SECONDS, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "semstream-encoder");
                    t.setDaemon(true);
                    return t;
                });
        // The thread exits when idle, so a closed application leaves no thread behind and needs no close().
        thread.allowCoreThreadTimeOut(true);
        return new EncodingQueue(encoder, thread);
    }

    /** Batches encoded on the calling thread, before {@link #submit} returns. */
    public static EncodingQueue inline(Encoder encoder) {
        return new EncodingQueue(encoder, Runnable::run);
    }

    public Encoder encoder() {
        return encoder;
    }

    /** Encodes the texts in order; the future fails with the encoder's exception if the batch fails. */
    CompletableFuture<List<Embedding>> submit(List<String> texts) {
        return CompletableFuture.supplyAsync(() -> encoder.embed(texts), executor);
    }
}
