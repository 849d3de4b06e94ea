package dev.semstream.kernels;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;

/**
 * All of the engine's parallelism, in one place: a loop over independent tasks spread across the cores.
 *
 * <p>A forward pass is a chain of short parallel loops (a GEMM on a 15-token text takes ~100 us), so
 * hand-off latency matters as much as throughput. The calling thread works on its own loop, and the
 * helper threads spin for a short while after each loop before they park, so the next loop of the same
 * forward pass finds them awake (ONNX Runtime's thread pool does the same). One loop runs at a time;
 * a second caller that arrives meanwhile, or a task that starts a loop of its own, runs it inline on
 * its own thread.
 */
public final class Parallel {
    private static final int THREADS = threads();
    /** How long an idle helper spins before it parks: a few loops' worth of gap in a forward pass. */
    private static final long SPIN_NANOS = 200_000;
    private static final ReentrantLock RUNNING = new ReentrantLock();
    private static final Helper[] HELPERS = startHelpers();
    /** The loop now running, or the last one; helpers notice a new one by identity. */
    private static volatile Loop current = new Loop(i -> { }, 0);

    private Parallel() {
    }

    /** Worker count: {@code -Dsemstream.threads=N}, else every available core. */
    public static int threads() {
        int configured = Integer.getInteger("semstream.threads", 0);
        return configured > 0 ? configured : Runtime.getRuntime().availableProcessors();
    }

    /** Runs {@code task.accept(i)} for every i in [0, count), in parallel, and returns when all are done. */
    public static void forEach(int count, IntConsumer task) {
        if (count <= 0) {
            return;
        }
        if (count == 1 || HELPERS.length == 0 || Thread.currentThread() instanceof Helper
                || RUNNING.isHeldByCurrentThread() || !RUNNING.tryLock()) {
            for (int i = 0; i < count; i++) {
                task.accept(i);
            }
            return;
        }
        try {
            Loop loop = new Loop(task, count);
            current = loop;
            for (Helper h : HELPERS) {
                if (h.parked) {
                    LockSupport.unpark(h);
                }
            }
            loop.work();
            // The last tasks may still run on helpers; they take microseconds, so spin.
            while (loop.remaining.get() > 0) {
                Thread.onSpinWait();
            }
            Throwable failure = loop.failure.get();
            if (failure instanceof RuntimeException re) {
                throw re;
            }
            if (failure instanceof Error err) {
                throw err;
            }
        } finally {
            RUNNING.unlock();
        }
    }

    /** One parallel loop: tasks are claimed one index at a time, so uneven tasks balance themselves. */
    private static final class Loop {
        final IntConsumer task;
        final int count;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger remaining;
        final AtomicReference<Throwable> failure = new AtomicReference<>();

        Loop(IntConsumer task, int count) {
            this.task = task;
            this.count = count;
            this.remaining = new AtomicInteger(count);
        }

        void work() {
            for (int i; (i = next.getAndIncrement()) < count; ) {
                try {
                    task.accept(i);
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    remaining.decrementAndGet();
                }
            }
        }
    }

    private static Helper[] startHelpers() {
        Helper[] helpers = new Helper[THREADS - 1];
        for (int i = 0; i < helpers.length; i++) {
            helpers[i] = new Helper(i);
            helpers[i].start();
        }
        return helpers;
    }

    /** A daemon thread that works on every loop it sees, spinning briefly between loops. */
    private static final class Helper extends Thread {
        volatile boolean parked;

        Helper(int index) {
            super("semstream-kernel-" + index);
            setDaemon(true);
        }

        @Override
        public void run() {
            Loop seen = current;
            while (true) {
                Loop loop = awaitNext(seen);
                seen = loop;
                loop.work();
            }
        }

        private Loop awaitNext(Loop seen) {
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            Loop loop;
            while ((loop = current) == seen) {
                if (System.nanoTime() < spinUntil) {
                    Thread.onSpinWait();
                } else {
                    // Publish "parked" before the last look, so a new loop either is seen here or unparks us.
                    parked = true;
                    if (current == seen) {
                        LockSupport.park(this);
                    }
                    parked = false;
                    spinUntil = System.nanoTime() + SPIN_NANOS;
                }
            }
            return loop;
        }
    }
}
