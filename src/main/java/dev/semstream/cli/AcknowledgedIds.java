package dev.semstream.cli;

import java.io.PrintStream;
import java.util.ArrayDeque;

/**
 * The ids {@code produce} prints: each only once the broker has acknowledged its record, in the order the
 * texts were read, so a script can pair the ids with its input lines. A record that failed is named on
 * stderr with the reason instead, and its id never reaches stdout.
 *
 * <p>Sends complete on the producer's thread; the head of the queue waits for its own acknowledgement, so a
 * slow first record holds back the printing (not the sending) of the ones after it.
 */
final class AcknowledgedIds {
    /** One text on its way: done once acknowledged or failed. */
    static final class Pending {
        private final String id;
        private boolean done;
        private Exception failure;

        private Pending(String id) {
            this.id = id;
        }
    }

    private final PrintStream out;
    private final PrintStream err;
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private long acknowledged;
    private long failed;

    AcknowledgedIds(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** Call before the send, in input order. */
    synchronized Pending expect(String id) {
        Pending p = new Pending(id);
        queue.add(p);
        return p;
    }

    /** The send's outcome: null for acknowledged. */
    synchronized void completed(Pending p, Exception failure) {
        p.done = true;
        p.failure = failure;
        while (!queue.isEmpty() && queue.peek().done) {
            Pending head = queue.poll();
            if (head.failure == null) {
                out.println(head.id);
                acknowledged++;
            } else {
                err.println("semstream: " + head.id + " was not produced: " + reason(head.failure));
                failed++;
            }
        }
        out.flush();
        notifyAll();
    }

    /** Blocks while more than {@code inFlight} texts are unanswered; 0 waits for all. */
    synchronized void awaitAtMost(int inFlight) throws InterruptedException {
        while (queue.size() > inFlight) {
            wait();
        }
    }

    synchronized long acknowledged() {
        return acknowledged;
    }

    synchronized long failed() {
        return failed;
    }

    private static String reason(Exception e) {
        Throwable t = e;
        while (t.getCause() != null && t.getMessage() == null) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }
}
