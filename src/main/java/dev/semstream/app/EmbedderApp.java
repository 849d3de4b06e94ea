package dev.semstream.app;

import dev.semstream.avro.Completion;
import dev.semstream.avro.Embedding;
import dev.semstream.avro.Prompt;
import dev.semstream.avro.TextEvent;
import dev.semstream.embedded.EmbeddedKafka;
import dev.semstream.embedded.EmbeddedSchemaRegistry;
import dev.semstream.model.Encoder;
import dev.semstream.model.TextGenerator;
import dev.semstream.query.ApiContextRetriever;
import dev.semstream.query.QueryServer;
import dev.semstream.registry.AvroSerde;
import dev.semstream.store.QueryableIndexes;
import dev.semstream.topology.EmbedderConfig;
import dev.semstream.topology.ContextRetriever;
import dev.semstream.topology.EmbedderTopology;
import dev.semstream.topology.GeneratorConfig;
import dev.semstream.topology.GeneratorTopology;
import dev.semstream.topology.EncodingQueue;
import dev.semstream.topology.StreamsProperties;
import dev.semstream.topology.TopicDefinitions;
import dev.semstream.topology.TopicSyncReport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

/**
 * The streaming embedder as one running thing: Kafka and a Schema Registry (the embedded default, or
 * the user's), the topics, and the Kafka Streams application with the embedder topology. The CLI's
 * {@code run} is this plus a wait; integration tests start it in process.
 */
public final class EmbedderApp implements AutoCloseable {
    /** Streams application id of the embedder: instances with the same id share the partitions. */
    public static final String APPLICATION_ID = "semstream-embedder";
    /** Streams application id of the generator sidecar: its own, so it scales apart from the embedder. */
    public static final String GENERATOR_APPLICATION_ID = "semstream-generator";

    private final EmbeddedKafka kafka;
    private final EmbeddedSchemaRegistry registry;
    private final KafkaStreams streams;
    private final QueryServer http;
    /** The generator sidecar's Streams application, or null when no generator model is configured. */
    private final KafkaStreams sidecar;
    private final Endpoints endpoints;
    private final TopicDefinitions topics;
    private final Path dataDir;
    private volatile Throwable failure;
    private final CountDownLatch stopped = new CountDownLatch(1);

    /**
     * @param settings what to start and how
     * @param encoder  the loaded encoder, shared read-only by the stream thread
     * @param progress one line per startup step, for the user
     */
    public static EmbedderApp start(AppSettings settings, Encoder encoder, Consumer<String> progress) {
        return start(settings, encoder, null, progress);
    }

    /**
     * @param generator the decoder of the generator sidecar, or null to run the embedder alone
     */
    public static EmbedderApp start(AppSettings settings, Encoder encoder, TextGenerator generator,
                                    Consumer<String> progress) {
        EmbeddedKafka kafka = null;
        EmbeddedSchemaRegistry registry = null;
        QueryServer http = null;
        KafkaStreams sidecar = null;
        try {
            String bootstrap = settings.bootstrapServers();
            if (bootstrap == null) {
                progress.accept("starting Kafka (single-node KRaft) in " + settings.dataDir().resolve("kafka"));
                kafka = EmbeddedKafka.start(settings.dataDir().resolve("kafka"));
                bootstrap = kafka.bootstrapServers();
            }
            String registryUrl = settings.schemaRegistryUrl();
            if (registryUrl == null) {
                progress.accept("starting the Schema Registry (Apicurio, Confluent API)");
                registry = EmbeddedSchemaRegistry.start(settings.dataDir().resolve("registry"), Duration.ofMinutes(2));
                registryUrl = registry.url();
            }
            Properties props = StreamsProperties.of(settings.applicationId(), bootstrap,
                    settings.dataDir().resolve("state"), settings.propertiesFile(), settings.environment());
            settings.extraProperties().forEach(props::put);
            TopicDefinitions topics = TopicDefinitions.load(settings.topicPrefix());
            if (settings.createTopics()) {
                try (Admin admin = Admin.create(props)) {
                    TopicSyncReport report = topics.ensureTopics(admin);
                    progress.accept("topics: " + report.created().size() + " created, "
                            + report.alreadyPresent().size() + " already there");
                    report.warnings().forEach(w -> progress.accept("warning: " + w));
                }
            }
            Map<String, Object> serdeConfig = new HashMap<>();
            props.forEach((k, v) -> serdeConfig.put(k.toString(), v));
            serdeConfig.put("schema.registry.url", registryUrl);
            AvroSerde<TextEvent> textEvents = new AvroSerde<>(TextEvent.class);
            textEvents.configure(serdeConfig, false);
            AvroSerde<Embedding> embeddings = new AvroSerde<>(Embedding.class);
            embeddings.configure(serdeConfig, false);
            EmbedderConfig config = settings.embedder().withTopics(topics.name("texts"), topics.name("embeddings"),
                    topics.name("dlq"));
            if (settings.httpPort() != null) {
                // Bound before Streams starts: the address is this instance's application.server.
                http = QueryServer.bind(settings.httpHost(), settings.httpPort());
                props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, http.self().host() + ":" + http.self().port());
            }
            QueryableIndexes indexes = new QueryableIndexes();
            KafkaStreams streams = new KafkaStreams(EmbedderTopology.build(config, EncodingQueue.background(encoder),
                    indexes, textEvents.deserializer(), embeddings), props);
            Endpoints endpoints = new Endpoints(bootstrap, registryUrl, http == null ? null : http.url());
            if (generator != null) {
                sidecar = generatorStreams(props, serdeConfig, topics, generator, http);
            }
            EmbedderApp app = new EmbedderApp(kafka, registry, streams, sidecar, http, endpoints, topics,
                    settings.dataDir());
            streams.setUncaughtExceptionHandler(e -> {
                app.failure = e;
                return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
            });
            streams.setStateListener((now, before) -> {
                if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING) {
                    app.stopped.countDown();
                }
            });
            progress.accept("starting the embedder (" + encoder.modelId() + ", exactly once)");
            streams.start();
            if (sidecar != null) {
                progress.accept("starting the generator sidecar (" + generator.modelId() + ", exactly once)");
                sidecar.setUncaughtExceptionHandler(e -> {
                    app.failure = e;
                    return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
                });
                sidecar.setStateListener((now, before) -> {
                    if (now == KafkaStreams.State.ERROR) {
                        app.stopped.countDown();
                    }
                });
                sidecar.start();
            }
            if (http != null) {
                Map<String, Object> clientProperties = new HashMap<>();
                StreamsProperties.passThrough(settings.propertiesFile(), settings.environment())
                        .forEach((k, v) -> clientProperties.put(k.toString(), v));
                clientProperties.put("bootstrap.servers", bootstrap);
                clientProperties.put("schema.registry.url", registryUrl);
                http.start(streams, encoder, indexes, config.inputTopic(), config.inputFormat(), clientProperties);
                progress.accept("HTTP API and web page on " + http.url());
            }
            endpoints.write(settings.dataDir());
            return app;
        } catch (RuntimeException e) {
            closeQuietly(http);
            closeQuietly(sidecar);
            closeQuietly(registry);
            closeQuietly(kafka);
            throw e;
        }
    }

    /**
     * The generator sidecar: its own Streams application on the same cluster, prompts in, completions out.
     * Retrieval goes through this instance's similarity API, which fans out to every embedder instance.
     */
    private static KafkaStreams generatorStreams(Properties embedderProps, Map<String, Object> serdeConfig,
                                                 TopicDefinitions topics, TextGenerator generator, QueryServer http) {
        Properties props = new Properties();
        props.putAll(embedderProps);
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, GENERATOR_APPLICATION_ID);
        props.remove(StreamsConfig.APPLICATION_SERVER_CONFIG); // nothing to query interactively
        AvroSerde<Prompt> prompts = new AvroSerde<>(Prompt.class);
        prompts.configure(serdeConfig, false);
        AvroSerde<Completion> completions = new AvroSerde<>(Completion.class);
        completions.configure(serdeConfig, false);
        GeneratorConfig config = GeneratorConfig.defaults().withTopics(topics.name("prompts"),
                topics.name("completions"), topics.name("dlq"));
        ContextRetriever retriever = http == null ? null : new ApiContextRetriever(http.url());
        return new KafkaStreams(GeneratorTopology.build(config, generator, retriever, prompts.deserializer(),
                completions), props);
    }

    private EmbedderApp(EmbeddedKafka kafka, EmbeddedSchemaRegistry registry, KafkaStreams streams,
                        KafkaStreams sidecar, QueryServer http, Endpoints endpoints, TopicDefinitions topics,
                        Path dataDir) {
        this.sidecar = sidecar;
        this.http = http;
        this.kafka = kafka;
        this.registry = registry;
        this.streams = streams;
        this.endpoints = endpoints;
        this.topics = topics;
        this.dataDir = dataDir;
    }

    /** The HTTP API of this instance, if it serves one. */
    public java.util.Optional<QueryServer> queryServer() {
        return java.util.Optional.ofNullable(http);
    }

    public Endpoints endpoints() {
        return endpoints;
    }

    public TopicDefinitions topics() {
        return topics;
    }

    public KafkaStreams streams() {
        return streams;
    }

    /** The generator sidecar, if this instance runs one. */
    public java.util.Optional<KafkaStreams> generatorStreams() {
        return java.util.Optional.ofNullable(sidecar);
    }

    /** Blocks until the application stops by itself (an error) or {@link #close} is called. */
    public void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    /** Why the stream thread stopped, if it did. */
    public Throwable failure() {
        return failure;
    }

    /** The vector store of this instance's partitions, for interactive queries. */
    public ReadOnlyKeyValueStore<String, Embedding> vectorStore() {
        return streams.store(StoreQueryParameters.fromNameAndType(EmbedderConfig.VECTOR_STORE,
                QueryableStoreTypes.keyValueStore()));
    }

    /** Waits until the application is RUNNING, or fails with the reason it is not. */
    public void awaitRunning(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (streams.state() != KafkaStreams.State.RUNNING
                || (sidecar != null && sidecar.state() != KafkaStreams.State.RUNNING)) {
            if (failure != null || streams.state() == KafkaStreams.State.ERROR
                    || streams.state() == KafkaStreams.State.NOT_RUNNING) {
                throw new IllegalStateException("the embedder stopped: " + streams.state(), failure);
            }
            if (sidecar != null && (sidecar.state() == KafkaStreams.State.ERROR
                    || sidecar.state() == KafkaStreams.State.NOT_RUNNING)) {
                throw new IllegalStateException("the generator sidecar stopped: " + sidecar.state(), failure);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the embedder is not running after " + timeout + ": " + streams.state());
            }
            Thread.sleep(20); // polling a state with a deadline, not synchronising on time
        }
    }

    @Override
    public void close() {
        stopped.countDown();
        closeQuietly(http);
        if (sidecar != null) {
            closeLeavingGroup(sidecar);
        }
        try {
            closeLeavingGroup(streams);
        } finally {
            Endpoints.remove(dataDir);
            closeQuietly(registry);
            closeQuietly(kafka);
        }
    }

    /**
     * Leaves the group on the way out, so the other instances take this one's partitions over now, not
     * after the session timeout (45 s) during which nobody would answer for them.
     */
    private static void closeLeavingGroup(KafkaStreams app) {
        app.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(30)));
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception ignored) {
                // shutting down: the first failure has already been reported
            }
        }
    }
}
