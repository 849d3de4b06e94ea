package dev.semstream.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.semstream.store.IndexConfig;
import dev.semstream.store.Metric;
import dev.semstream.store.SearchRequest;
import dev.semstream.store.VectorEncoding;
import dev.semstream.store.VectorEntry;
import dev.semstream.store.VectorIndex;
import dev.semstream.store.VectorMemory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@link VectorSearchBenchmark}'s rows for encoded indexes: the float index's vectors again in each encoding
 * of {@code --encodings} (default {@code bf16,int8}; {@code none} skips them), with its config, one index at
 * a time, built as a restored partition's index is (the parallel rebuild, every core). For each: bytes per
 * vector on the heap and off it, exact-scan (cosine) QPS and recall@10 after rescoring, and with a graph its
 * build time and recall@10 and single-thread QPS at each beam width, every figure beside the float one (the
 * float graph's parallel build for the build time) as a ratio. Recorded under {@code encodings} in the report.
 */
final class EncodedIndexRows {
    private final List<VectorEncoding> encodings;
    private final float[][] data;
    private final float[][] qs;
    private final int[][] truth;
    private final int exactQueries;
    private final BenchReport report;

    EncodedIndexRows(List<VectorEncoding> encodings, float[][] data, float[][] qs, int[][] truth, int exactQueries,
                     BenchReport report) {
        this.encodings = encodings;
        this.data = data;
        this.qs = qs;
        this.truth = truth;
        this.exactQueries = exactQueries;
        this.report = report;
    }

    /** {@code --encodings a,b}: the encodings to measure besides float. */
    static List<VectorEncoding> encodings(String[] args) {
        List<String> list = Arrays.asList(args);
        int at = list.indexOf("--encodings");
        String value = at >= 0 && at + 1 < args.length ? args[at + 1] : "bf16,int8";
        List<VectorEncoding> out = new ArrayList<>();
        if (!value.equals("none")) {
            for (String name : value.split(",")) {
                out.add(VectorEncoding.parse(name));
            }
        }
        return out;
    }

    /**
     * @param floats        the float index, already measured
     * @param floatBuild    seconds the float graph's parallel build took; NaN without a graph
     * @param efs           the beam widths it was measured at; null when it has no graph
     * @param floatQps      its single-thread QPS at each of {@code efs}
     */
    void run(VectorIndex floats, double floatExactQps, double floatBuild, int[] efs, double[] floatQps)
            throws IOException {
        if (encodings.isEmpty()) {
            return;
        }
        IndexConfig config = floats.config();
        VectorMemory floatMemory = floats.memory();
        System.out.printf(Locale.ROOT, "float: %.0f heap bytes/vector (graph %.0f), exact cosine %.1f QPS%n",
                floatMemory.heapBytesPerVector(), floatMemory.graphBytesPerVector(), floatExactQps);
        for (VectorEncoding encoding : encodings) {
            ObjectNode row = report.root().withArray("encodings").addObject().put("encoding", encoding.userName())
                    .put("rescoreFactor", config.rescoreFactor());
            VectorIndex index = new VectorIndex(config.withVectorEncoding(encoding));
            List<VectorEntry> entries = new ArrayList<>(data.length);
            for (int i = 0; i < data.length; i++) {
                entries.add(new VectorEntry("v" + i, data[i], VectorSearchBenchmark.MODEL));
            }
            long t0 = System.nanoTime();
            index.rebuild(entries.iterator());
            double build = (System.nanoTime() - t0) / 1e9;
            VectorMemory memory = index.memory();
            row.put("buildSeconds", BenchReport.round(build, 1))
                    .put("buildRatioToFloat", BenchReport.round(build / floatBuild, 2))
                    .put("heapBytesPerVector", BenchReport.round(memory.heapBytesPerVector(), 1))
                    .put("graphBytesPerVector", BenchReport.round(memory.graphBytesPerVector(), 1))
                    .put("offHeapBytesPerVector", memory.offHeapBytesPerVector())
                    .put("heapRatioToFloat", BenchReport.round(memory.heapBytesPerVector()
                            / floatMemory.heapBytesPerVector(), 3));
            System.out.printf(Locale.ROOT, "%s: built in %.1f s (parallel rebuild; %.2fx float's); %.0f heap "
                            + "bytes/vector (graph %.0f) = %.2fx float, %d off-heap bytes/vector for rescoring%n",
                    encoding.userName(), build, build / floatBuild,
                    memory.heapBytesPerVector(), memory.graphBytesPerVector(),
                    memory.heapBytesPerVector() / floatMemory.heapBytesPerVector(), memory.offHeapBytesPerVector());

            long[] nanos = VectorSearchBenchmark.exactNanos(index, qs, Metric.COSINE, exactQueries);
            double exactQps = 1e9 / Arrays.stream(nanos).average().orElse(0);
            double exactRecall = VectorSearchBenchmark.measure(qs, truth, q -> VectorSearchBenchmark.ids(
                    index.search(request(q).withExact(true))))[0];
            row.put("exactQps", BenchReport.round(exactQps, 1))
                    .put("exactQpsRatioToFloat", BenchReport.round(exactQps / floatExactQps, 2))
                    .put("exactRecall", BenchReport.round(exactRecall, 4));
            System.out.printf(Locale.ROOT, "%s exact cosine: %7.1f QPS = %.2fx float, recall@10 after rescoring %.4f%n",
                    encoding.userName(), exactQps, exactQps / floatExactQps, exactRecall);
            if (efs == null || !config.graph()) {
                continue;
            }
            System.out.printf(Locale.ROOT, "efSearch | %s recall@10  QPS | QPS %s/float%n", encoding.userName(),
                    encoding.userName());
            for (int e = 0; e < efs.length; e++) {
                int ef = efs[e];
                double[] ours = VectorSearchBenchmark.measure(qs, truth, q -> VectorSearchBenchmark.ids(
                        index.search(request(q).withEfSearch(ef))));
                double faiss = FaissFigures.floatQpsAt(ef);
                System.out.printf(Locale.ROOT, "%8d | %16.4f %7.0f | %.2f%s%n", ef, ours[0], ours[1],
                        ours[1] / floatQps[e], Double.isNaN(faiss) ? "" : String.format(Locale.ROOT,
                                " | %.2fx Faiss's float %.0f QPS (quoted, at 200,000)", ours[1] / faiss, faiss));
                ObjectNode graphRow = row.withArray("graph").addObject().put("efSearch", ef)
                        .put("recall", BenchReport.round(ours[0], 4)).put("qps", BenchReport.round(ours[1], 0))
                        .put("qpsRatioToFloat", BenchReport.round(ours[1] / floatQps[e], 2));
                if (!Double.isNaN(faiss) && data.length == FaissFigures.VECTORS) {
                    graphRow.put("qpsRatioToFaissFloat", BenchReport.round(ours[1] / faiss, 2));
                }
            }
        }
    }

    private SearchRequest request(int q) {
        return SearchRequest.of(qs[q], VectorSearchBenchmark.MODEL, VectorSearchBenchmark.K, Metric.COSINE);
    }
}
