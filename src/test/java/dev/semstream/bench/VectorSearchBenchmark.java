package dev.semstream.bench;

import dev.semstream.kernels.Parallel;
import dev.semstream.kernels.SearchKernels;
import dev.semstream.store.ClusteredVectors;
import dev.semstream.store.IndexConfig;
import dev.semstream.store.Metric;
import dev.semstream.store.SearchHit;
import dev.semstream.store.SearchRequest;
import dev.semstream.store.VectorEntry;
import dev.semstream.store.VectorIndex;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The vector store's search speed on clustered synthetic 384-d unit vectors (1000 gaussian clusters):
 * <ol>
 *   <li>the machine's memory bandwidth, the better of {@link MemoryBandwidth}'s two streaming reads, one core
 *       and all;</li>
 *   <li>exact search (the SIMD scan) for cosine and Euclidean: QPS, latency p50/p99, and the GB/s of
 *       vectors it reads against that bandwidth;</li>
 *   <li>HNSW (M 16, efConstruction 100) beside Lucene's HNSW with the same parameters, built from the same
 *       vectors in the same run ({@link LuceneHnsw}): build time, then recall@10 against the exact answer and
 *       single-thread QPS over a range of beam widths. Whether Lucene used its SIMD scorers is printed and
 *       recorded: on JDK 17 (Lucene 9.12) it cannot, on JDK 25 (Lucene 10, the lucene-10 profile) it does.</li>
 *   <li>the same graph built by a rebuild on every core: build time against the one-thread build (the rows
 *       above upsert one by one), and its recall and QPS at each beam;</li>
 *   <li>Faiss's figures as issue 14 gives them ({@link FaissFigures}: not measured here) and ours over them;
 *       {@code --vectors 200000} is the size they were measured at.</li>
 *   <li>the same index in bf16 and int8 ({@link EncodedIndexRows}): bytes per vector, exact-scan QPS,
 *       recall@10 after rescoring and QPS at each beam width, each beside the float figure.</li>
 * </ol>
 * Usage: {@code bench/search --vectors 100000 [--queries 500] [--exact-queries 100] [--no-hnsw] [--no-lucene]
 * [--lucene-only] [--parallel-build-only] [--encodings bf16,int8|none]}; results also in
 * {@code target/bench/search.json}. {@code --parallel-build-only} builds our graph once, by the rebuild on every
 * core, without the one-thread row (at a million vectors that row alone takes over ten minutes). A million
 * vectors need {@code BENCH_JAVA_OPTS=-Xmx14g}.
 */
public final class VectorSearchBenchmark {
    static final String MODEL = "synthetic@1";
    static final int DIM = 384;
    static final int M = 16;
    static final int EF_CONSTRUCTION = 100;
    private static final int[] EF_SEARCH = {10, 20, 30, 40, 80, 160};
    /** How long each QPS row runs its queries at least. */
    private static final long MEASURE_NANOS = 1_000_000_000L;
    static final int K = 10;

    public static void main(String[] args) throws Exception {
        int n = intArg(args, "--vectors", 100_000);
        int queries = intArg(args, "--queries", 500);
        int exactQueries = intArg(args, "--exact-queries", Math.max(20, Math.min(200, 20_000_000 / n)));
        // --lucene-only: our index without a graph (the exact ground truth), Lucene's graph alone; for sizes
        // where building both graphs in one run takes too long.
        boolean luceneOnly = flag(args, "--lucene-only");
        boolean hnsw = !flag(args, "--no-hnsw");
        boolean lucene = hnsw && !flag(args, "--no-lucene");
        BenchReport report = BenchReport.of("search");
        System.out.println(report.machine().summary());
        System.out.printf(Locale.ROOT, "vectors %d x %d, %d queries, search kernels %s%n", n, DIM, queries,
                SearchKernels.best().name());
        report.root().put("vectors", n).put("dim", DIM).put("queries", queries).put("exactQueries", exactQueries)
                .put("m", M).put("efConstruction", EF_CONSTRUCTION).put("searchKernels", SearchKernels.best().name());
        if (lucene) {
            LuceneHnsw.Vectorization vectorization = LuceneHnsw.vectorization();
            System.out.println(vectorization.summary());
            ObjectNode peer = report.root().putObject("lucene").put("version", vectorization.luceneVersion())
                    .put("implementation", vectorization.implementation()).put("simd", vectorization.simd());
            vectorization.log().forEach(peer.putArray("log")::add);
        }

        double[] bandwidth = bandwidth();
        double bw1 = bandwidth[0];
        double bwAll = bandwidth[1];
        System.out.printf(Locale.ROOT, "memory bandwidth (best streaming read): 1 thread %.1f GB/s, %d threads %.1f GB/s%n",
                bw1, Parallel.threads(), bwAll);
        report.root().put("bandwidthGBps1Thread", BenchReport.round(bw1, 2))
                .put("bandwidthGBpsAllThreads", BenchReport.round(bwAll, 2));

        ClusteredVectors gen = new ClusteredVectors(DIM, 1000, 0.6, 1);
        float[][] data = gen.next(n);
        float[][] qs = gen.next(queries);

        IndexConfig config = IndexConfig.of(MODEL, DIM).withHnsw(M, EF_CONSTRUCTION, 64);
        if (!hnsw || luceneOnly) {
            config = config.withoutGraph();
        }
        boolean parallelOnly = flag(args, "--parallel-build-only") && hnsw && !luceneOnly;
        VectorIndex index = new VectorIndex(config);
        long t0 = System.nanoTime();
        for (int i = 0; !parallelOnly && i < n; i++) {
            index.upsert(new VectorEntry("v" + i, data[i], MODEL));
        }
        double ourBuild = parallelOnly ? Double.NaN : (System.nanoTime() - t0) / 1e9;
        if (hnsw && !luceneOnly && !parallelOnly) {
            System.out.printf(Locale.ROOT, "semstream HNSW build: %.1f s (%.0f vectors/s) %s%n", ourBuild, n / ourBuild,
                    index.stats());
            report.root().put("semstreamBuildSeconds", BenchReport.round(ourBuild, 1));
        }
        VectorIndex parallelIndex = null;
        double parallelBuild = Double.NaN;
        if (parallelOnly) {
            parallelBuild = parallelBuild(report, index, data, ourBuild);
        } else if (hnsw && !luceneOnly) {
            parallelIndex = new VectorIndex(config);
            parallelBuild = parallelBuild(report, parallelIndex, data, ourBuild);
        }

        double gb = (double) n * DIM * Float.BYTES / 1e9;
        double exactCosineQps = Double.NaN;
        for (Metric metric : new Metric[] {Metric.COSINE, Metric.EUCLIDEAN}) {
            long[] nanos = exactNanos(index, qs, metric, exactQueries);
            double mean = Arrays.stream(nanos).average().orElse(0) / 1e9;
            if (metric == Metric.COSINE) {
                exactCosineQps = 1 / mean;
            }
            report.root().withArray("exact").addObject().put("metric", metric.userName())
                    .put("qps", BenchReport.round(1 / mean, 1)).put("p50Ms", BenchReport.round(nanos[exactQueries / 2] / 1e6, 2))
                    .put("p99Ms", BenchReport.round(nanos[Math.min(exactQueries - 1, (int) (exactQueries * 0.99))] / 1e6, 2))
                    .put("gbps", BenchReport.round(gb / mean, 2)).put("shareOfBandwidth", BenchReport.round(gb / mean / bwAll, 3));
            System.out.printf(Locale.ROOT,
                    "exact %-9s: %7.1f QPS, p50 %7.2f ms, p99 %7.2f ms, %5.1f GB/s = %3.0f%% of %d-thread bandwidth%n",
                    metric.userName(), 1 / mean, nanos[exactQueries / 2] / 1e6,
                    nanos[Math.min(exactQueries - 1, (int) (exactQueries * 0.99))] / 1e6, gb / mean,
                    100 * gb / mean / bwAll, Parallel.threads());
        }
        // Ground truth: the exact top 10 by cosine.
        int[][] truth = new int[queries][];
        for (int q = 0; q < queries; q++) {
            truth[q] = index.search(SearchRequest.of(qs[q], MODEL, K, Metric.COSINE).withExact(true)).stream()
                    .mapToInt(h -> Integer.parseInt(h.id().substring(1))).toArray();
        }
        EncodedIndexRows encoded = new EncodedIndexRows(EncodedIndexRows.encodings(args), data, qs, truth,
                exactQueries, report);
        if (!hnsw) {
            encoded.run(index, exactCosineQps, Double.NaN, null, null);
            report.write();
            return;
        }

        LuceneHnsw peer = null;
        if (lucene) {
            t0 = System.nanoTime();
            peer = new LuceneHnsw(data, DIM, M, EF_CONSTRUCTION);
            double luceneBuild = (System.nanoTime() - t0) / 1e9;
            report.root().put("luceneBuildSeconds", BenchReport.round(luceneBuild, 1));
            System.out.printf(Locale.ROOT, "Lucene HNSW build:    %.1f s (%.0f vectors/s); build time ours/Lucene %.2f%n",
                    luceneBuild, n / luceneBuild, ourBuild / luceneBuild);
        }
        LuceneHnsw lucenePeer = peer;
        System.out.println("efSearch | semstream recall@10  QPS | Lucene recall@10  QPS | QPS ours/Lucene");
        double[][] oursByEf = new double[EF_SEARCH.length][];
        double[] floatQps = new double[EF_SEARCH.length];
        for (int e = 0; e < EF_SEARCH.length; e++) {
            int ef = EF_SEARCH[e];
            double[] ours = luceneOnly ? new double[] {Double.NaN, Double.NaN} : measure(qs, truth,
                    q -> ids(index.search(SearchRequest.of(qs[q], MODEL, K, Metric.COSINE).withEfSearch(ef))));
            oursByEf[e] = ours;
            double[] theirs = lucenePeer == null ? new double[] {Double.NaN, Double.NaN} : measure(qs, truth,
                    q -> lucenePeer.search(qs[q], ef, K));
            floatQps[e] = ours[1];
            System.out.printf(Locale.ROOT, "%8d | %16.4f %7.0f | %13.4f %7.0f | %.2f%n", ef, ours[0], ours[1],
                    theirs[0], theirs[1], ours[1] / theirs[1]);
            report.addRow().put("efSearch", ef).put("semstreamRecall", BenchReport.round(ours[0], 4))
                    .put("semstreamQps", BenchReport.round(ours[1], 0)).put("luceneRecall", BenchReport.round(theirs[0], 4))
                    .put("luceneQps", BenchReport.round(theirs[1], 0)).put("qpsRatio", BenchReport.round(ours[1] / theirs[1], 2));
        }
        if (parallelIndex != null) {
            parallelGraphRows(report, parallelIndex, qs, truth, oursByEf);
            FaissFigures.compare(report, n, Parallel.threads(), ourBuild, parallelBuild, oursByEf[indexOfEf(20)],
                    oursByEf[indexOfEf(40)], exactCosineQps);
        }
        if (!luceneOnly) {
            encoded.run(index, exactCosineQps, parallelBuild, EF_SEARCH, floatQps);
        }
        report.write();
    }

    /**
     * The graph built by {@link VectorIndex#rebuild} (every core) from the same vectors the one-thread row
     * upserted one by one: build time and its ratio to the one-thread build. Returns the seconds.
     */
    private static double parallelBuild(BenchReport report, VectorIndex index, float[][] data, double oneThread) {
        List<VectorEntry> entries = new java.util.ArrayList<>(data.length);
        for (int i = 0; i < data.length; i++) {
            entries.add(new VectorEntry("v" + i, data[i], MODEL));
        }
        long t0 = System.nanoTime();
        index.rebuild(entries.iterator());
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "semstream HNSW parallel build (rebuild, %d threads): %.1f s (%.0f vectors/s)%s %s%n",
                Parallel.threads(), seconds, data.length / seconds, Double.isNaN(oneThread) ? ""
                        : String.format(Locale.ROOT, ", %.2fx the one-thread build", oneThread / seconds), index.stats());
        report.root().putObject("parallelBuild").put("threads", Parallel.threads())
                .put("seconds", BenchReport.round(seconds, 1)).put("speedup", BenchReport.round(oneThread / seconds, 2));
        return seconds;
    }

    /** Recall and single-thread QPS of the parallel-built graph at every beam, beside the one-thread graph's. */
    private static void parallelGraphRows(BenchReport report, VectorIndex index, float[][] qs, int[][] truth,
                                          double[][] oneThreadByEf) throws IOException {
        System.out.println("efSearch | one-thread graph recall@10 | parallel graph recall@10  QPS");
        for (int e = 0; e < EF_SEARCH.length; e++) {
            int ef = EF_SEARCH[e];
            double[] ours = measure(qs, truth,
                    q -> ids(index.search(SearchRequest.of(qs[q], MODEL, K, Metric.COSINE).withEfSearch(ef))));
            System.out.printf(Locale.ROOT, "%8d | %26.4f | %24.4f %7.0f%n", ef, oneThreadByEf[e][0], ours[0], ours[1]);
            report.root().withArray("parallelGraph").addObject().put("efSearch", ef)
                    .put("recall", BenchReport.round(ours[0], 4)).put("qps", BenchReport.round(ours[1], 0))
                    .put("oneThreadRecall", BenchReport.round(oneThreadByEf[e][0], 4));
        }
    }

    private static int indexOfEf(int ef) {
        for (int e = 0; e < EF_SEARCH.length; e++) {
            if (EF_SEARCH[e] == ef) {
                return e;
            }
        }
        throw new IllegalArgumentException("ef " + ef + " is not measured");
    }

    /** Streaming-read GB/s at 1 thread and at all; the probe's arrays are garbage before the vectors are made. */
    private static double[] bandwidth() throws Exception {
        MemoryBandwidth memory = new MemoryBandwidth();
        return new double[] {memory.read(1, 5), memory.read(Parallel.threads(), 5)};
    }

    /** Nanoseconds of each of {@code count} exact searches of the queries in turn, sorted, after a warm-up. */
    static long[] exactNanos(VectorIndex index, float[][] qs, Metric metric, int count) {
        long[] nanos = new long[count];
        for (int w = 0; w < Math.min(10, count); w++) {
            index.search(SearchRequest.of(qs[w], MODEL, K, metric).withExact(true));
        }
        for (int q = 0; q < count; q++) {
            long s = System.nanoTime();
            index.search(SearchRequest.of(qs[q % qs.length], MODEL, K, metric).withExact(true));
            nanos[q] = System.nanoTime() - s;
        }
        Arrays.sort(nanos);
        return nanos;
    }

    /** recall@10 and single-thread QPS over all queries, after a warm-up pass. */
    static double[] measure(float[][] qs, int[][] truth, QueryRunner runner) throws IOException {
        for (int q = 0; q < Math.min(qs.length, 200); q++) {
            runner.run(q);
        }
        int found = 0;
        // Passes over the queries for a second at least: one pass of 500 queries at 10,000 QPS is 50 ms, and a
        // GC pause or a neighbour's burst in it moved a row's QPS by a third between runs.
        int[][] results = new int[qs.length][];
        long passes = 0;
        long t0 = System.nanoTime();
        long elapsed;
        do {
            for (int q = 0; q < qs.length; q++) {
                results[q] = runner.run(q);
            }
            passes++;
            elapsed = System.nanoTime() - t0;
        } while (elapsed < MEASURE_NANOS);
        double seconds = elapsed / 1e9;
        for (int q = 0; q < qs.length; q++) {
            Set<Integer> want = new HashSet<>();
            for (int t : truth[q]) {
                want.add(t);
            }
            for (int r : results[q]) {
                found += want.contains(r) ? 1 : 0;
            }
        }
        return new double[] {found / (double) (qs.length * K), passes * qs.length / seconds};
    }

    static int[] ids(List<SearchHit> hits) {
        return hits.stream().mapToInt(h -> Integer.parseInt(h.id().substring(1))).toArray();
    }

    interface QueryRunner {
        int[] run(int query) throws IOException;
    }

    static int intArg(String[] args, String name, int fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return Integer.parseInt(args[i + 1].replace("_", ""));
            }
        }
        return fallback;
    }

    static boolean flag(String[] args, String name) {
        return Arrays.asList(args).contains(name);
    }
}
