package dev.semstream.app;

import dev.semstream.avro.Embedding;
import dev.semstream.embedded.PortCheck;
import dev.semstream.metrics.Metrics;
import dev.semstream.store.QueryableIndexes;
import dev.semstream.model.Encoder;
import dev.semstream.model.TextGenerator;
import dev.semstream.query.QueryServer;
import dev.semstream.query.ServerParts;
import dev.semstream.topology.ModelControl;
import dev.semstream.topology.TopicDefinitions;
import dev.semstream.topology.TopicSyncReport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

/**
 * The semstream pipeline as one running thing, composed of its parts: the {@link Cluster} (the embedded
 * default or the user's), the topics, the embedder's Streams application, the HTTP API and the generator
 * sidecar's Streams application. The CLI's {@code run} is this plus a wait; integration tests start it in
 * process.
 *
 * <p>The parts start in order and stop in the reverse order of when they start serving: the HTTP API
 * takes its port before the Streams applications (its address is the embedder's
 * {@code application.server}) but answers only after them, and stops first. A start that fails closes
 * what it had started.
 */
public final class Pipeline implements AutoCloseable {
    private final Cluster cluster;
    /** Null without the HTTP API. */
    private final QueryServer http;
    private final EmbedderStreams embedder;
    /** Null when no generator model is configured. */
    private final GeneratorStreams generator;
    /** The embedder, then the generator if there is one. */
    private final List<StreamsApplication> streamsApplications;
    private final TopicDefinitions topics;
    private final Endpoints endpoints;
    private final Path dataDir;
    /** What {@code GET /metrics} serves; recorded into whether or not the HTTP API runs. */
    private final Metrics metrics;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private Pipeline(Cluster cluster, QueryServer http, EmbedderStreams embedder, GeneratorStreams generator,
                     TopicDefinitions topics, Path dataDir, Metrics metrics) {
        this.cluster = cluster;
        this.metrics = metrics;
        this.http = http;
        this.embedder = embedder;
        this.generator = generator;
        this.streamsApplications = generator == null ? List.of(embedder) : List.of(embedder, generator);
        this.topics = topics;
        this.endpoints = new Endpoints(cluster.bootstrapServers(), cluster.schemaRegistryUrl(),
                http == null ? null : http.url());
        this.dataDir = dataDir;
    }

    /** The embedder alone: see {@link #start(AppSettings, Encoder, TextGenerator, Consumer)}. */
    public static Pipeline start(AppSettings settings, Encoder encoder, Consumer<String> progress) {
        return start(settings, encoder, null, progress);
    }

    /**
     * @param settings  what to start and how
     * @param encoder   the loaded encoder, shared read-only by the stream thread
     * @param generator the decoder of the generator sidecar, or null to run the embedder alone
     * @param progress  one line per startup step, for the user
     */
    public static Pipeline start(AppSettings settings, Encoder encoder, TextGenerator generator,
                                 Consumer<String> progress) {
        return start(settings, encoder, null, generator, progress);
    }

    /**
     * As above, naming where the encoder came from.
     *
     * @param modelLocation the {@code --model} value the encoder was loaded from (null: the bundled
     *                      default): what other instances load when this model is active, or being built
     */
    public static Pipeline start(AppSettings settings, Encoder encoder, String modelLocation, TextGenerator generator,
                                 Consumer<String> progress) {
        Cluster cluster = null;
        QueryServer http = null;
        EmbedderStreams embedder = null;
        GeneratorStreams sidecar = null;
        requireFreePorts(settings);
        Metrics metrics = new Metrics();
        try {
            cluster = Cluster.start(settings, progress);
            TopicDefinitions topics = TopicDefinitions.load(settings.topicPrefix());
            if (settings.createTopics()) {
                createTopics(cluster, topics, progress);
            }
            AvroSerdes serdes = new AvroSerdes(cluster.clientProperties());
            if (settings.httpPort() != null) {
                // Bound before the embedder is made: the address is this instance's application.server.
                http = QueryServer.bind(settings.httpHost(), settings.httpPort(), settings.apiAccess());
            }
            embedder = EmbedderStreams.create(settings, cluster, serdes, topics, encoder, modelLocation,
                    http == null ? null : http.self(), metrics, progress);
            if (generator != null) {
                sidecar = GeneratorStreams.create(settings, cluster, serdes, topics, generator,
                        http == null ? null : http.url(), metrics);
            }
            Pipeline pipeline = new Pipeline(cluster, http, embedder, sidecar, topics, settings.dataDir(), metrics);
            cluster.onLost(pipeline.stopped::countDown);
            progress.accept("starting the embedder (" + encoder.modelId() + ", exactly once)");
            embedder.start(pipeline.stopped::countDown);
            if (sidecar != null) {
                progress.accept("starting the generator sidecar (" + generator.modelId() + ", exactly once)");
                sidecar.start(pipeline.stopped::countDown);
            }
            if (http != null) {
                http.start(new ServerParts(embedder.streams(), embedder.models(), generator, topics,
                        settings.embedder().inputFormat(), settings.embedder().maxTextBytes(), cluster.clientProperties(),
                        metrics));
                progress.accept("HTTP API and web page on " + http.url());
            }
            pipeline.endpoints.write(settings.dataDir());
            return pipeline;
        } catch (RuntimeException e) {
            Closing.afterFailure(e, stopOrder(http, sidecar, embedder, metrics, cluster));
            throw e;
        }
    }

    /**
     * Fails at once, naming the port and its flag, if a fixed port of the parts this start would open is taken:
     * before the broker and the registry start, not after (the CLI calls it before it loads the model, too).
     */
    public static void requireFreePorts(AppSettings settings) {
        List<PortCheck.Wanted> ports = new ArrayList<>();
        if (settings.bootstrapServers() == null) {
            ports.add(new PortCheck.Wanted("embedded Kafka", "127.0.0.1", settings.kafkaPort(), "--kafka-port"));
        }
        if (settings.schemaRegistryUrl() == null) {
            ports.add(new PortCheck.Wanted("embedded Schema Registry", "127.0.0.1", settings.registryPort(),
                    "--registry-port"));
        }
        if (settings.httpPort() != null) {
            ports.add(new PortCheck.Wanted("HTTP API", settings.httpHost(), settings.httpPort(), "--http-port"));
        }
        PortCheck.requireFree(ports);
    }

    private static void createTopics(Cluster cluster, TopicDefinitions topics, Consumer<String> progress) {
        try (Admin admin = Admin.create(cluster.clientProperties())) {
            TopicSyncReport report = topics.ensureTopics(admin);
            progress.accept("topics: " + report.created().size() + " created, "
                    + report.alreadyPresent().size() + " already there");
            report.warnings().forEach(w -> progress.accept("warning: " + w));
        }
    }

    /** The HTTP API of this instance, if it serves one. */
    public Optional<QueryServer> queryServer() {
        return Optional.ofNullable(http);
    }

    public Endpoints endpoints() {
        return endpoints;
    }

    public TopicDefinitions topics() {
        return topics;
    }

    /** Whether this instance runs the generator sidecar. */
    public boolean runsGenerator() {
        return generator != null;
    }

    /** The vector store of this instance's partitions, for interactive queries. */
    public ReadOnlyKeyValueStore<String, Embedding> vectorStore() {
        return embedder.vectorStore();
    }

    /** One model's vectors in this instance's partitions, by id. */
    public ReadOnlyKeyValueStore<String, Embedding> vectorStore(String modelId) {
        return embedder.vectorStore(modelId);
    }

    /** The models this instance embeds with and serves, as the control topic says. */
    public ModelControl models() {
        return embedder.models();
    }

    /** The search indexes of this instance's partitions (a benchmark fills them directly, without the encoder). */
    public QueryableIndexes indexes() {
        return embedder.indexes();
    }

    /** Starts the console's {@link StatusLine} over the embedder: a line every {@code interval}, to {@code out}. */
    public StatusLine statusLine(Duration interval, Consumer<String> out) {
        return StatusLine.start(embedder.streams(), metrics.embedder(), embedder.indexes(), embedder.inputTopic(),
                cluster.clientProperties(), topics.name("dlq"), interval, out);
    }

    /**
     * Blocks until a Streams application stops by itself (an error), the embedded registry is given up, or
     * {@link #close} is called.
     */
    public void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    /** Why a stream thread stopped, or the embedded registry was given up, if either happened. */
    public Throwable failure() {
        if (cluster.failure() != null) {
            return cluster.failure();
        }
        for (StreamsApplication app : streamsApplications) {
            if (app.failure() != null) {
                return app.failure();
            }
        }
        return null;
    }

    /** Waits until every Streams application is RUNNING, or fails with the reason one is not. */
    public void awaitRunning(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            StreamsApplication waitingFor = null;
            for (StreamsApplication app : streamsApplications) {
                app.requireNotStopped();
                if (waitingFor == null && app.state() != KafkaStreams.State.RUNNING) {
                    waitingFor = app;
                }
            }
            if (waitingFor == null) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(waitingFor.name() + " is not running after " + timeout + ": "
                        + waitingFor.state());
            }
            Thread.sleep(20); // polling a state with a deadline, not synchronising on time
        }
    }

    /** Stops every part, the endpoints file first so clients stop finding this instance. */
    @Override
    public void close() {
        stopped.countDown();
        Closing.inOrder(() -> Endpoints.remove(dataDir),
                () -> Closing.inOrder(stopOrder(http, generator, embedder, metrics, cluster)));
    }

    /** The one stop order, for a close and for a start that failed part of the way (nulls: not started). */
    private static AutoCloseable[] stopOrder(QueryServer http, GeneratorStreams generator, EmbedderStreams embedder,
                                             Metrics metrics, Cluster cluster) {
        return new AutoCloseable[]{http, generator, embedder, metrics, cluster};
    }
}
