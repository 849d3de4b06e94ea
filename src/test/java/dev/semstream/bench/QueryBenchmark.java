package dev.semstream.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.semstream.app.AppSettings;
import dev.semstream.app.Pipeline;
import dev.semstream.model.Encoder;
import dev.semstream.model.EncoderOptions;
import dev.semstream.model.TextVector;
import dev.semstream.model.load.EncoderModels;
import dev.semstream.reference.TextCorpus;
import dev.semstream.topology.GraphBuildPolicy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * End-to-end HTTP query latency with two instances of the embedder on the embedded broker: N texts
 * ingested through the API and embedded by the pipeline, then Q searches sent one at a time, alternating
 * between the two instances (each fans out to the other), by vector (the query's embedding done up
 * front, so the figure is the search path) and by text (embedding included), approximate and exact.
 * Usage: {@code bench/query [--texts N] [--queries Q]}; results also in {@code target/bench/query.json}.
 */
public final class QueryBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    public static void main(String[] args) throws Exception {
        int n = 10_000;
        int queries = 400;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--texts" -> n = Integer.parseInt(args[++i]);
                case "--queries" -> queries = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        BenchReport report = BenchReport.of("query");
        System.out.println(report.machine().summary());
        Encoder encoder = EncoderModels.encoder(null, EncoderOptions.defaults());
        Path dirA = Files.createTempDirectory("semstream-qa");
        Path dirB = Files.createTempDirectory("semstream-qb");
        Map<String, Object> props = Map.of("num.standby.replicas", 0);
        // Every partition keeps an HNSW graph from its first vector, so the HNSW rows walk one: under the
        // default policy a partition of this benchmark's size would be searched by exact scan.
        GraphBuildPolicy graphs = new GraphBuildPolicy(0, GraphBuildPolicy.defaults().inlineBuildMax());
        AppSettings settingsA = AppSettings.embedded(dirA);
        AppSettings settingsB = AppSettings.embedded(dirB);
        try (Pipeline a = Pipeline.start(settingsA.withEmbedder(settingsA.embedder().withGraphBuild(graphs))
                .withHttp("localhost", 0).withExtraProperties(props), encoder, line -> { });
             Pipeline b = Pipeline.start(settingsB.withEmbedder(settingsB.embedder().withGraphBuild(graphs))
                     .withCluster(a.endpoints().bootstrapServers(), a.endpoints().schemaRegistryUrl())
                     .withHttp("localhost", 0).withExtraProperties(props), encoder, line -> { })) {
            String[] urls = {a.endpoints().queryUrl(), b.endpoints().queryUrl()};
            awaitTwoInstances(urls[0]);
            List<String> texts = TextCorpus.texts(91L, n, 14);
            long ingestStart = System.nanoTime();
            for (int from = 0; from < n; from += 1000) {
                ObjectNode body = JSON.createObjectNode();
                ArrayNode array = body.putArray("texts");
                for (int i = from; i < Math.min(n, from + 1000); i++) {
                    array.addObject().put("id", "q-" + i).put("text", texts.get(i)).putObject("metadata").put("group", "g" + (i % 4));
                }
                post(urls[0] + "/texts", body);
            }
            awaitVectors(urls, n);
            double ingestSeconds = (System.nanoTime() - ingestStart) / 1e9;
            List<String> queryTexts = TextCorpus.texts(92L, queries, 10);
            List<float[]> queryVectors = encoder.embed(queryTexts).stream().map(TextVector::vector).toList();
            System.out.printf(Locale.ROOT, "%n%d texts (384-d, all-MiniLM-L6-v2) on two instances, 6 partitions; "
                    + "ingested and embedded in %.1f s; %d queries per row, one at a time, alternating instances%n",
                    n, ingestSeconds, queries);
            report.root().put("texts", n).put("queries", queries).put("instances", 2).put("partitions", 6)
                    .put("ingestSeconds", BenchReport.round(ingestSeconds, 1));
            System.out.println("| query | k | p50 ms | p99 ms | mean ms | QPS (1 client) |");
            System.out.println("|---|---:|---:|---:|---:|---:|");
            for (boolean exact : new boolean[]{false, true}) {
                for (String metric : new String[]{"cosine", "euclidean"}) {
                    run("by vector, " + (exact ? "exact" : "HNSW") + ", " + metric, urls, queries, report, i -> {
                        ObjectNode body = JSON.createObjectNode();
                        ArrayNode v = body.putArray("vector");
                        for (float x : queryVectors.get(i)) {
                            v.add(x);
                        }
                        return body.put("k", 10).put("metric", metric).put("exact", exact);
                    });
                }
            }
            run("by vector, HNSW, cosine, filter group=g1", urls, queries, report, i -> {
                ObjectNode body = JSON.createObjectNode();
                ArrayNode v = body.putArray("vector");
                for (float x : queryVectors.get(i)) {
                    v.add(x);
                }
                body.putObject("filters").put("group", "g1");
                return body.put("k", 10);
            });
            run("by text (embedding included), HNSW, cosine", urls, queries, report,
                    i -> JSON.createObjectNode().put("text", queryTexts.get(i)).put("k", 10));
        }
        report.write();
    }

    interface Body {
        ObjectNode of(int i);
    }

    static void run(String name, String[] urls, int queries, BenchReport report, Body body) throws Exception {
        for (int i = 0; i < Math.min(100, queries); i++) {
            post(urls[i % 2] + "/search", body.of(i)); // warm-up: JIT, connections
        }
        double[] ms = new double[queries];
        long start = System.nanoTime();
        for (int i = 0; i < queries; i++) {
            long t = System.nanoTime();
            ObjectNode answer = (ObjectNode) JSON.readTree(post(urls[i % 2] + "/search", body.of(i)));
            ms[i] = (System.nanoTime() - t) / 1e6;
            if (answer.get("partial").asBoolean() || answer.get("hits").size() != 10) {
                throw new IllegalStateException("incomplete answer: " + answer);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Arrays.sort(ms);
        double p50 = ms[queries / 2];
        double p99 = ms[(int) Math.min(queries - 1, Math.ceil(queries * 0.99) - 1)];
        double mean = Arrays.stream(ms).average().orElse(0);
        System.out.printf(Locale.ROOT, "| %s | 10 | %.2f | %.2f | %.2f | %.0f |%n", name, p50, p99, mean, queries / seconds);
        report.addRow().put("query", name).put("k", 10).put("p50Ms", BenchReport.round(p50, 2))
                .put("p99Ms", BenchReport.round(p99, 2)).put("meanMs", BenchReport.round(mean, 2))
                .put("qps", BenchReport.round(queries / seconds, 1));
    }

    static String post(String url, ObjectNode body) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException(url + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    static void awaitTwoInstances(String url) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < deadline) {
            var json = JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(url + "/instances")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            if (json.get("instances").size() == 2 && json.get("instances").get(0).get("active").size() > 0
                    && json.get("instances").get(1).get("active").size() > 0) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the two instances did not share the partitions in 3 minutes");
    }

    static void awaitVectors(String[] urls, int n) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
        List<Integer> counts = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            counts.clear();
            for (String url : urls) {
                counts.add(JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(url + "/health")).build(),
                        HttpResponse.BodyHandlers.ofString()).body()).get("vectors").asInt());
            }
            if (counts.stream().mapToInt(Integer::intValue).sum() >= n) {
                return;
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("only " + counts + " vectors indexed after 30 minutes");
    }
}
