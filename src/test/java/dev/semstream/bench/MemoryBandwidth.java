package dev.semstream.bench;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * This machine's memory bandwidth, the ceiling of any scan over data that does not fit in cache, measured the
 * simple way over 1 GiB (far larger than any cache, so every pass goes to DRAM), each thread on its own
 * contiguous share: a streaming read (a plain int sum, which C2 vectorises, and a SIMD float sum with four
 * accumulators, the way the GEMM reads weights) and a STREAM-style triad {@code a[i] = b[i] + s * c[i]}. The
 * kernels run on 256 KiB chunks so the JIT compiles them like any hot method. Best of several passes after
 * two warm-up passes, in GB/s. Each probe allocates its 1 GiB on first use and keeps it for a second
 * measurement (the decoder measures before and after its rounds); a benchmark that needs the heap for
 * itself drops the instance once it has its figure.
 */
final class MemoryBandwidth {
    private static final long GIB = 1L << 30;
    private static final int CHUNK = 64 * 1024;
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private int[] ints;
    private float[] floats;
    private float[] a;
    private float[] b;
    private float[] c;
    private volatile double sink;

    /** GB/s of the faster of the two streaming reads: what a scan over data in memory can hope for. */
    double read(int threads, int passes) throws Exception {
        return Math.max(intRead(threads, passes), vectorRead(threads, passes));
    }

    /** GB/s of summing an int array with plain Java. */
    double intRead(int threads, int passes) throws Exception {
        if (ints == null) {
            ints = new int[(int) (GIB / Integer.BYTES)];
            Arrays.fill(ints, 1);
        }
        return best(threads, passes, (long) ints.length * Integer.BYTES, ints.length, (from, to) -> {
            long s = 0;
            for (int i = from; i < to; i += CHUNK) {
                s += sumInts(ints, i, Math.min(to, i + CHUNK));
            }
            sink += s;
        });
    }

    /** GB/s of summing a float array with vector loads into four independent accumulators. */
    double vectorRead(int threads, int passes) throws Exception {
        if (floats == null) {
            floats = new float[(int) (GIB / Float.BYTES)];
            Arrays.fill(floats, 1f);
        }
        return best(threads, passes, (long) floats.length * Float.BYTES, floats.length, (from, to) -> {
            double s = 0;
            for (int i = from; i < to; i += CHUNK) {
                s += sumFloats(floats, i, Math.min(to, i + CHUNK));
            }
            sink += s;
        });
    }

    /** GB/s of the triad (two arrays read, one written, counted as three, as STREAM does). */
    double triad(int threads, int passes) throws Exception {
        if (a == null) {
            a = new float[(int) (GIB / 3 / Float.BYTES)];
            b = new float[a.length];
            c = new float[a.length];
            Arrays.fill(b, 1f);
            Arrays.fill(c, 2f);
        }
        return best(threads, passes, 3L * a.length * Float.BYTES, a.length, (from, to) -> {
            for (int i = from; i < to; i += CHUNK) {
                triad(a, b, c, i, Math.min(to, i + CHUNK));
            }
        });
    }

    private static int sumInts(int[] x, int from, int to) {
        int s = 0;
        for (int i = from; i < to; i++) {
            s += x[i];
        }
        return s;
    }

    private static float sumFloats(float[] x, int from, int to) {
        FloatVector s0 = FloatVector.zero(S);
        FloatVector s1 = FloatVector.zero(S);
        FloatVector s2 = FloatVector.zero(S);
        FloatVector s3 = FloatVector.zero(S);
        int l = S.length();
        int i = from;
        for (; i + 4 * l <= to; i += 4 * l) {
            s0 = s0.add(FloatVector.fromArray(S, x, i));
            s1 = s1.add(FloatVector.fromArray(S, x, i + l));
            s2 = s2.add(FloatVector.fromArray(S, x, i + 2 * l));
            s3 = s3.add(FloatVector.fromArray(S, x, i + 3 * l));
        }
        float s = s0.add(s1).add(s2).add(s3).reduceLanes(VectorOperators.ADD);
        for (; i < to; i++) {
            s += x[i];
        }
        return s;
    }

    private static void triad(float[] a, float[] b, float[] c, int from, int to) {
        for (int i = from; i < to; i++) {
            a[i] = b[i] + 1.5f * c[i];
        }
    }

    private interface Range {
        void run(int from, int to);
    }

    private static double best(int threads, int passes, long bytes, int length, Range body) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            double best = 0;
            for (int p = 0; p < passes + 2; p++) {
                long t0 = System.nanoTime();
                Future<?>[] parts = new Future<?>[threads];
                for (int t = 0; t < threads; t++) {
                    int from = (int) ((long) length * t / threads);
                    int to = (int) ((long) length * (t + 1) / threads);
                    parts[t] = pool.submit(() -> body.run(from, to));
                }
                for (Future<?> f : parts) {
                    f.get();
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                if (p >= 2) {
                    best = Math.max(best, bytes / seconds / 1e9);
                }
            }
            return best;
        } finally {
            pool.shutdown();
        }
    }
}
