package dev.semstream.cli;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * Ctrl-C for `train`: the flag the training loop polls between steps. A shutdown hook sets it and then holds
 * the JVM open until the loop has written its checkpoint and the command has said how to resume, so an
 * interrupted run loses at most the step it was in.
 */
final class TrainingStop implements BooleanSupplier {
    /** How long the hook waits for the checkpoint before the JVM goes down anyway. */
    private static final Duration CHECKPOINT_PATIENCE = Duration.ofMinutes(5);

    private final AtomicBoolean requested = new AtomicBoolean();
    private final CountDownLatch finished = new CountDownLatch(1);
    private Thread hook;

    /** Asks the loop to stop after the step it is in (what Ctrl-C does; tests call it directly). */
    void request() {
        requested.set(true);
    }

    @Override
    public boolean getAsBoolean() {
        return requested.get();
    }

    /** Makes SIGINT and SIGTERM request the stop and wait for {@link #finished()}. */
    void installShutdownHook() {
        hook = new Thread(() -> {
            request();
            try {
                finished.await(CHECKPOINT_PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "semstream-train-stop");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** The run has ended and its checkpoint is written: the hook may let the JVM go, or is removed if unused. */
    void finished() {
        finished.countDown();
        if (hook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // The hook is what is running: it returns now that the latch is down.
            }
        }
    }
}
