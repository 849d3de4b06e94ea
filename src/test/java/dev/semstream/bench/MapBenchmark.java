package dev.semstream.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.semstream.app.AppSettings;
import dev.semstream.app.Pipeline;
import dev.semstream.model.Encoder;
import dev.semstream.model.EncoderOptions;
import dev.semstream.model.load.EncoderModels;
import dev.semstream.store.QueryableIndexes;
import dev.semstream.store.VectorIndex;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * {@code GET /map} over two instances of the embedder on the embedded broker, each partition's index filled
 * directly with synthetic 384-d vectors (unit length, in 20 clusters, with a metadata key and an 80-char text)
 * rather than through the encoder, so 100,000 take seconds to set up. Per size: the first map (sample, axes,
 * placement), a refreshed one (the axes again) and cached ones (placement only), with the answer's size.
 * Usage: {@code bench/map [--vectors 10000,100000]}; results also in {@code target/bench/map.json}.
 */
public final class MapBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final int DIMENSIONS = 384;

    public static void main(String[] args) throws Exception {
        List<Integer> sizes = List.of(10_000, 100_000);
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--vectors")) {
                sizes = java.util.Arrays.stream(args[++i].split(",")).map(Integer::parseInt).toList();
            } else {
                throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        BenchReport report = BenchReport.of("map");
        System.out.println(report.machine().summary());
        Encoder encoder = EncoderModels.encoder(null, EncoderOptions.defaults());
        Path dirA = Files.createTempDirectory("semstream-ma");
        Path dirB = Files.createTempDirectory("semstream-mb");
        Map<String, Object> props = Map.of("num.standby.replicas", 0);
        try (Pipeline a = Pipeline.start(AppSettings.embedded(dirA).withHttp("localhost", 0).withExtraProperties(props),
                encoder, line -> { });
             Pipeline b = Pipeline.start(AppSettings.embedded(dirB).withCluster(a.endpoints().bootstrapServers(),
                     a.endpoints().schemaRegistryUrl()).withHttp("localhost", 0).withExtraProperties(props),
                     encoder, line -> { })) {
            String url = a.endpoints().queryUrl();
            awaitSixIndexes(a, b);
            System.out.println("| vectors | map | ms | answer MB | points |");
            System.out.println("|---:|---|---:|---:|---:|");
            int filled = 0;
            for (int n : sizes) {
                fill(List.of(a.indexes(), b.indexes()), encoder.modelId(), filled, n);
                filled = n;
                row(report, n, "first (sample, axes, placement)", url + "/map?color=topic");
                row(report, n, "refresh=true (axes again)", url + "/map?color=topic&refresh=true");
                for (int i = 0; i < 3; i++) {
                    row(report, n, "cached axes (placement only)", url + "/map?color=topic");
                }
            }
        }
        report.write();
    }

    private static void row(BenchReport report, int n, String what, String url) throws Exception {
        long start = System.nanoTime();
        HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        double ms = (System.nanoTime() - start) / 1e6;
        JsonNode answer = JSON.readTree(r.body());
        if (r.statusCode() != 200 || answer.get("partial").asBoolean() || answer.get("count").asInt() != n) {
            throw new IllegalStateException("incomplete map: " + r.statusCode() + " count " + answer.path("count"));
        }
        double mb = r.body().length / 1e6;
        System.out.printf(Locale.ROOT, "| %d | %s | %.0f | %.1f | %d |%n", n, what, ms, mb, answer.get("count").asInt());
        report.addRow().put("vectors", n).put("map", what).put("ms", BenchReport.round(ms, 1))
                .put("answerMB", BenchReport.round(mb, 2)).put("serverTookMs", answer.get("tookMs").asDouble());
    }

    /** Adds vectors {@code from} to {@code to} (ids v-from..), spread over every partition's index. */
    private static void fill(List<QueryableIndexes> instances, String modelId, int from, int to) {
        List<VectorIndex> indexes = new ArrayList<>();
        instances.forEach(q -> indexes.addAll(q.snapshot().values()));
        Random random = new Random(17);
        float[][] centres = new float[20][DIMENSIONS];
        for (float[] c : centres) {
            for (int i = 0; i < DIMENSIONS; i++) {
                c[i] = (float) random.nextGaussian();
            }
        }
        random = new Random(from);
        for (int n = from; n < to; n++) {
            int cluster = n % centres.length;
            float[] v = new float[DIMENSIONS];
            double norm = 0;
            for (int i = 0; i < DIMENSIONS; i++) {
                v[i] = centres[cluster][i] + (float) (0.8 * random.nextGaussian());
                norm += v[i] * v[i];
            }
            for (int i = 0; i < DIMENSIONS; i++) {
                v[i] /= (float) Math.sqrt(norm);
            }
            String text = String.format(Locale.ROOT, "Synthetic text number %d of cluster %d, long enough to be cut at eighty.",
                    n, cluster);
            indexes.get(n % indexes.size()).upsert("v-" + n, v, modelId, Map.of("topic", "c" + cluster), text);
        }
    }

    private static void awaitSixIndexes(Pipeline a, Pipeline b) throws InterruptedException {
        long deadline = System.nanoTime() + 180_000_000_000L;
        while (a.indexes().snapshot().size() + b.indexes().snapshot().size() != 6
                || a.indexes().snapshot().isEmpty() || b.indexes().snapshot().isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the two instances did not split the six partitions in 3 minutes");
            }
            Thread.sleep(100); // a poll interval under the deadline
        }
    }
}
