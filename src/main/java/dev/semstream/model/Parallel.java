package dev.semstream.model;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;
import java.util.function.IntConsumer;

/**
 * All of the engine's parallelism, in one place: a loop over independent tasks spread across the cores.
 * Kernels cut their work into tasks that take long enough (tens of microseconds at least) for the
 * fork/join hand-off to be noise.
 */
public final class Parallel {
    /** One worker per core; the calling thread works too, so small loops don't pay a hand-off. */
    private static final ForkJoinPool POOL = new ForkJoinPool(threads(),
            pool -> {
                var t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
                t.setName("semstream-kernel-" + t.getPoolIndex());
                t.setDaemon(true);
                return t;
            }, null, false);

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
        if (count == 1 || POOL.getParallelism() == 1) {
            for (int i = 0; i < count; i++) {
                task.accept(i);
            }
            return;
        }
        if (Thread.currentThread() instanceof java.util.concurrent.ForkJoinWorkerThread w && w.getPool() == POOL) {
            // Already on a worker (a kernel called from inside a task): run inline rather than nest.
            new Range(task, 0, count).compute();
        } else {
            POOL.invoke(new Range(task, 0, count));
        }
    }

    /** Splits a range in halves until single tasks remain; fork/join balances uneven task costs. */
    private static final class Range extends RecursiveAction {
        private final IntConsumer task;
        private final int from;
        private final int to;

        Range(IntConsumer task, int from, int to) {
            this.task = task;
            this.from = from;
            this.to = to;
        }

        @Override
        protected void compute() {
            if (to - from == 1) {
                task.accept(from);
                return;
            }
            int mid = (from + to) >>> 1;
            invokeAll(new Range(task, from, mid), new Range(task, mid, to));
        }
    }
}
