package dev.semstream.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Locale;

/**
 * Faiss, the peer the graph build and search are measured against. Faiss cannot run here (no Python
 * package, no native library), so these are the figures issue 14 gives for Faiss 1.15 {@code IndexHNSWFlat}
 * (M 16, efConstruction 100, inner product) on 200,000 clustered 384-d unit vectors, measured on a 2-core
 * AVX2 EPYC, quiet: given, not measured here. Only the ratios to ours at 200,000 vectors compare like
 * with like, and even those across two machines of the same class.
 */
final class FaissFigures {
    static final String SOURCE = "given, AVX2 EPYC, not measured here";
    static final int VECTORS = 200_000;
    static final double BUILD_SECONDS_1_THREAD = 142;
    static final double BUILD_SECONDS_2_THREADS = 72;
    static final double QPS_EF_20 = 4828;
    static final double RECALL_EF_20 = 0.957;
    static final double QPS_EF_40 = 3380;
    static final double RECALL_EF_40 = 0.996;
    static final double EXACT_QPS = 32.7;

    private FaissFigures() {
    }

    /** Faiss's single-thread float QPS at beam {@code ef}, where the issue gives one (20 and 40); NaN otherwise. */
    static double floatQpsAt(int ef) {
        return ef == 20 ? QPS_EF_20 : ef == 40 ? QPS_EF_40 : Double.NaN;
    }

    /**
     * Prints and records Faiss's figures beside ours: build times (ours on one thread and on all cores),
     * single-thread QPS and recall at ef 20 and 40, exact single-query QPS; ratios ours/Faiss (a build
     * ratio above 1 means ours is faster).
     */
    static void compare(BenchReport report, int vectors, int threads, double oneThreadBuild, double parallelBuild,
                        double[] oursEf20, double[] oursEf40, double exactQps) {
        String size = vectors == VECTORS ? "" : String.format(Locale.ROOT,
                " (ours at %d vectors, Faiss at %d: the ratios compare unlike sizes)", vectors, VECTORS);
        System.out.println("Faiss IndexHNSWFlat (" + SOURCE + ")" + size);
        System.out.printf(Locale.ROOT, "  build 1 thread: Faiss %.0f s, ours %.1f s: Faiss/ours %.2f%n",
                BUILD_SECONDS_1_THREAD, oneThreadBuild, BUILD_SECONDS_1_THREAD / oneThreadBuild);
        System.out.printf(Locale.ROOT, "  build 2 threads: Faiss %.0f s, ours %.1f s on %d threads: Faiss/ours %.2f%n",
                BUILD_SECONDS_2_THREADS, parallelBuild, threads, BUILD_SECONDS_2_THREADS / parallelBuild);
        System.out.printf(Locale.ROOT, "  ef 20: Faiss %.0f QPS at recall %.3f, ours %.0f at %.4f: QPS ours/Faiss %.2f%n",
                QPS_EF_20, RECALL_EF_20, oursEf20[1], oursEf20[0], oursEf20[1] / QPS_EF_20);
        System.out.printf(Locale.ROOT, "  ef 40: Faiss %.0f QPS at recall %.3f, ours %.0f at %.4f: QPS ours/Faiss %.2f%n",
                QPS_EF_40, RECALL_EF_40, oursEf40[1], oursEf40[0], oursEf40[1] / QPS_EF_40);
        System.out.printf(Locale.ROOT, "  exact single query: Faiss %.1f QPS, ours %.1f: ours/Faiss %.2f%n",
                EXACT_QPS, exactQps, exactQps / EXACT_QPS);
        ObjectNode faiss = report.root().putObject("faiss").put("source", SOURCE).put("vectors", VECTORS)
                .put("buildSeconds1Thread", BUILD_SECONDS_1_THREAD).put("buildSeconds2Threads", BUILD_SECONDS_2_THREADS)
                .put("qpsEf20", QPS_EF_20).put("recallEf20", RECALL_EF_20).put("qpsEf40", QPS_EF_40)
                .put("recallEf40", RECALL_EF_40).put("exactQps", EXACT_QPS);
        faiss.putObject("ratiosOursToFaiss").put("oursVectors", vectors)
                .put("buildSpeed1Thread", BenchReport.round(BUILD_SECONDS_1_THREAD / oneThreadBuild, 2))
                .put("buildSpeed2Threads", BenchReport.round(BUILD_SECONDS_2_THREADS / parallelBuild, 2))
                .put("qpsEf20", BenchReport.round(oursEf20[1] / QPS_EF_20, 2))
                .put("qpsEf40", BenchReport.round(oursEf40[1] / QPS_EF_40, 2))
                .put("exactQps", BenchReport.round(exactQps / EXACT_QPS, 2));
    }
}
