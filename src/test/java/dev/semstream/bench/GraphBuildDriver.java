package dev.semstream.bench;

import dev.semstream.kernels.Parallel;
import dev.semstream.store.ClusteredVectors;
import dev.semstream.store.IndexConfig;
import dev.semstream.store.Metric;
import dev.semstream.store.SearchHit;
import dev.semstream.store.SearchRequest;
import dev.semstream.store.VectorEntry;
import dev.semstream.store.VectorIndex;

import com.sun.management.OperatingSystemMXBean;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The graph build alone, for profiling and for comparing two builds of the code: the benchmark's vectors
 * (clustered 384-d unit vectors, M 16, efConstruction 100, cosine) linked by a rebuild on
 * {@code -Dsemstream.threads} cores, then recall@10 at ef 10/20/40/80 against the exact answer. Prints one
 * line. {@code java ... GraphBuildDriver [vectors] [queries] [builds]}.
 */
public final class GraphBuildDriver {
    private static final int[] EF = {10, 20, 40, 80};
    private static final OperatingSystemMXBean PROCESS =
            (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
        int queries = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        int builds = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        ClusteredVectors gen = new ClusteredVectors(VectorSearchBenchmark.DIM, 1000, 0.6, 1);
        List<VectorEntry> entries = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            entries.add(new VectorEntry("v" + i, gen.next(), VectorSearchBenchmark.MODEL));
        }
        float[][] qs = gen.next(queries);
        IndexConfig config = IndexConfig.of(VectorSearchBenchmark.MODEL, VectorSearchBenchmark.DIM)
                .withHnsw(VectorSearchBenchmark.M, VectorSearchBenchmark.EF_CONSTRUCTION, 64);
        for (int b = 0; b < builds; b++) {
            VectorIndex index = new VectorIndex(config);
            long t0 = System.nanoTime();
            long cpu0 = PROCESS.getProcessCpuTime();
            index.rebuild(entries.iterator());
            double seconds = (System.nanoTime() - t0) / 1e9;
            // On a shared machine the wall time mostly measures the neighbours; the CPU time is our work.
            double cpuSeconds = (PROCESS.getProcessCpuTime() - cpu0) / 1e9;
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
                    "build n=%d threads=%d %.2f s (cpu %.2f s) recall", n, Parallel.threads(), seconds, cpuSeconds));
            for (int ef : EF) {
                line.append(String.format(Locale.ROOT, " ef%d=%.4f", ef, recall(index, qs, ef)));
            }
            System.out.println(line);
        }
    }

    private static double recall(VectorIndex index, float[][] qs, int ef) {
        int found = 0;
        for (float[] q : qs) {
            Set<String> truth = new HashSet<>();
            for (SearchHit h : index.search(request(q).withExact(true))) {
                truth.add(h.id());
            }
            for (SearchHit h : index.search(request(q).withEfSearch(ef))) {
                found += truth.contains(h.id()) ? 1 : 0;
            }
        }
        return found / (double) (VectorSearchBenchmark.K * qs.length);
    }

    private static SearchRequest request(float[] q) {
        return SearchRequest.of(q, VectorSearchBenchmark.MODEL, VectorSearchBenchmark.K, Metric.COSINE);
    }
}
