package dev.semstream.app;

import dev.semstream.embedded.Eventually;
import dev.semstream.metrics.PrometheusServer;
import dev.semstream.model.EncoderOptions;
import dev.semstream.model.load.EncoderModels;
import dev.semstream.query.HttpJson;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code GET /metrics} as Prometheus sees it: a real Prometheus server, started here on loopback, scrapes
 * the embedded default pipeline every second, and the values come back through its query API. It skips
 * only where no {@code prometheus} binary is installed; {@code .ci/run} installs Debian's.
 */
class PrometheusScrapeIntegrationTest {
    static final Duration DEADLINE = Duration.ofMinutes(2);
    static final List<String> TEXTS = List.of("Prometheus counts what the embedder did.",
            "Each text posted here is embedded once.", "Counters only go up.", "A scrape a second.",
            "The fifth text closes the set.");

    @TempDir
    static Path dir;
    static Pipeline app;
    static PrometheusServer prometheus;

    @BeforeAll
    static void startThePipelineAndAPrometheusThatScrapesIt() throws Exception {
        Path binary = PrometheusServer.binary().orElse(null);
        Assumptions.assumeTrue(binary != null, "no prometheus binary on the PATH: this test needs a real Prometheus "
                + "server (Debian: apt-get install prometheus, as .ci/run does)");
        app = EmbedderPipelineContract.started(AppSettings.embedded(dir.resolve("data")).withHttp("localhost", 0),
                EncoderModels.encoder(null, EncoderOptions.defaults()));
        URI api = URI.create(app.endpoints().queryUrl());
        prometheus = PrometheusServer.start(binary, dir.resolve("prometheus"), api.getHost() + ":" + api.getPort(),
                Duration.ofSeconds(1), DEADLINE);
    }

    @AfterAll
    static void stop() {
        if (prometheus != null) {
            prometheus.close();
        }
        if (app != null) {
            app.close();
        }
    }

    @Test
    void prometheusReadsBackTheTextsEmbeddedADeadLetterQueryLatenciesAndKafkaStreamsOwnMetrics() throws Exception {
        HttpJson.Response posted = HttpJson.post(app.endpoints().queryUrl() + "/texts", Map.of("texts", TEXTS));
        assertEquals(202, posted.status(), String.valueOf(posted.json()));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", app.endpoints().bootstrapServers()), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(app.topics().name("texts"), "garbage".getBytes(StandardCharsets.UTF_8),
                    "not an Avro record".getBytes(StandardCharsets.UTF_8))).get();
        }

        awaitValue("sum(semstream_texts_embedded_total)", TEXTS.size());
        awaitValue("sum(semstream_dead_letters_total{reason=\"UNDECODABLE\"})", 1);
        awaitValue("sum(semstream_index_vectors)", TEXTS.size());
        String api = app.endpoints().queryUrl();
        String id = posted.json().get("ids").get(0).asText();
        assertEquals(200, HttpJson.post(api + "/search", Map.of("text", "counters", "k", 2)).status());
        assertEquals(200, HttpJson.post(api + "/search", Map.of("text", "counters", "k", 2, "exact", true)).status());
        assertEquals(200, HttpJson.get(api + "/embeddings/" + id).status());
        for (String kind : List.of("ingest", "search", "exact", "embedding")) {
            awaitValue("sum(semstream_query_seconds_count{kind=\"" + kind + "\"})", 1);
        }
        // Kafka Streams' own metrics, bridged: its stream thread has processed every record of the input, and
        // the main consumer reports a lag for each input partition (Kafka also repeats each partition's
        // series under the topic name with '_' for '.', hence the exact topic label).
        awaitValue("sum(kafka_stream_thread_process_total{application=\"" + AppSettings.DEFAULT_APPLICATION_ID
                + "\"}) >= bool " + (TEXTS.size() + 1), 1);
        String lag = "kafka_consumer_fetch_manager_records_lag{topic=\"" + app.topics().name("texts") + "\"}";
        awaitValue("count(" + lag + ")", app.topics().topic("texts").partitions());
        awaitValue("sum(" + lag + ")", 0);
    }

    /** Waits until Prometheus answers {@code promQl} with {@code expected}. */
    private static void awaitValue(String promQl, double expected) {
        OptionalDouble[] last = {OptionalDouble.empty()};
        try {
            Eventually.await(DEADLINE, promQl + " = " + expected, () -> {
                last[0] = prometheus.query(promQl);
                return last[0].isPresent() && last[0].getAsDouble() == expected;
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; last answer " + last[0] + "; targets "
                    + prometheus.targets(), e);
        }
    }
}
