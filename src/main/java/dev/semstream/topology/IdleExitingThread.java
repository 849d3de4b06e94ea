package dev.semstream.topology;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One daemon thread that runs submitted work in order and exits after a while idle (the next submission
 * starts a new one), so a closed application leaves no thread behind and needs no close().
 */
final class IdleExitingThread {
    private static final long IDLE_SECONDS = 30;

    private IdleExitingThread() {
    }

    static ExecutorService named(String name) {
        ThreadPoolExecutor thread = new ThreadPoolExecutor(1, 1, IDLE_SECONDS, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, name);
                    t.setDaemon(true);
                    return t;
                });
        thread.allowCoreThreadTimeOut(true);
        return thread;
    }
}
