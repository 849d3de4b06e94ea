package dev.semstream.bench;

/**
 * This machine's memory read bandwidth, the ceiling of any scan over data that does not fit in cache: a
 * 1 GiB array summed by each thread over its own part, best of five passes.
 */
final class Bandwidth {
    private static final int LONGS = 1 << 27; // 1 GiB

    private Bandwidth() {
    }

    /** GB/s (10^9 bytes) reading with the given number of threads. */
    static double measure(int threads) {
        long[] data = new long[LONGS];
        for (int i = 0; i < LONGS; i++) {
            data[i] = i;
        }
        double best = 0;
        long[] sums = new long[threads];
        for (int pass = 0; pass < 5; pass++) {
            Thread[] workers = new Thread[threads];
            long t0 = System.nanoTime();
            for (int t = 0; t < threads; t++) {
                int id = t;
                workers[t] = new Thread(() -> sums[id] = sum(data, (long) LONGS * id / threads,
                        (long) LONGS * (id + 1) / threads));
                workers[t].start();
            }
            for (Thread w : workers) {
                try {
                    w.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            best = Math.max(best, (double) LONGS * Long.BYTES / seconds / 1e9);
        }
        // Use the sums, so the reads cannot be optimised away.
        long total = 0;
        for (long s : sums) {
            total += s;
        }
        if (total == 42) {
            System.out.print("");
        }
        return best;
    }

    /** Four independent sums, so the loop is bound by loads, not by the add chain. */
    private static long sum(long[] data, long from, long to) {
        long a = 0;
        long b = 0;
        long c = 0;
        long d = 0;
        int i = (int) from;
        int end = (int) to;
        for (; i + 4 <= end; i += 4) {
            a += data[i];
            b += data[i + 1];
            c += data[i + 2];
            d += data[i + 3];
        }
        for (; i < end; i++) {
            a += data[i];
        }
        return a + b + c + d;
    }
}
