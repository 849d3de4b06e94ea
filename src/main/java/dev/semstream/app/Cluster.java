package dev.semstream.app;

import dev.semstream.embedded.EmbeddedKafka;
import dev.semstream.embedded.EmbeddedSchemaRegistry;
import dev.semstream.topology.StreamsProperties;

import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;

/**
 * The Kafka cluster and Schema Registry the pipeline runs on, and how its clients reach them. Each of the
 * two is either given (an address in the settings) or started here, the embedded default: the KRaft broker
 * in process and Apicurio as a child process, their data under the data dir. They are chosen one by one
 * because {@code run --bootstrap-servers} without {@code --schema-registry-url} is an existing cluster with
 * the embedded registry. Closing stops what was started and leaves what was given alone.
 */
final class Cluster implements AutoCloseable {
    /** How long the embedded registry may take; the first start unpacks the distribution. */
    static final Duration REGISTRY_STARTUP = Duration.ofMinutes(2);

    private final EmbeddedKafka kafka;
    private final EmbeddedSchemaRegistry registry;
    private final String bootstrapServers;
    private final String schemaRegistryUrl;
    private final Properties passThrough;

    private Cluster(EmbeddedKafka kafka, EmbeddedSchemaRegistry registry, String bootstrapServers,
                    String schemaRegistryUrl, Properties passThrough) {
        this.kafka = kafka;
        this.registry = registry;
        this.bootstrapServers = bootstrapServers;
        this.schemaRegistryUrl = schemaRegistryUrl;
        this.passThrough = passThrough;
    }

    /**
     * The cluster the settings name, starting the embedded broker and registry for what they leave out.
     * If either does not start, the other, if started here, is stopped again.
     */
    static Cluster start(AppSettings settings, Consumer<String> progress) {
        // Read first: a missing --config file fails before anything has started.
        Properties passThrough = StreamsProperties.passThrough(settings.propertiesFile(), settings.environment());
        // The registry keeps its schemas in H2, not in Kafka, so the two start side by side: a warm start
        // waits for the slower of them instead of both in turn (the registry is a JVM of its own).
        CompletableFuture<EmbeddedSchemaRegistry> registryStart = null;
        if (settings.schemaRegistryUrl() == null) {
            progress.accept("starting the Schema Registry (Apicurio, Confluent API)");
            registryStart = CompletableFuture.supplyAsync(() -> EmbeddedSchemaRegistry.start(
                    settings.dataDir().resolve("registry"), settings.registryPort(), REGISTRY_STARTUP, progress),
                    Cluster::startOnItsOwnThread);
        }
        EmbeddedKafka kafka = null;
        EmbeddedSchemaRegistry registry = null;
        try {
            String bootstrap = settings.bootstrapServers();
            if (bootstrap == null) {
                progress.accept("starting Kafka (single-node KRaft) in " + settings.dataDir().resolve("kafka"));
                kafka = EmbeddedKafka.start(settings.dataDir().resolve("kafka"), settings.kafkaPort(),
                        EmbeddedKafka.DEFAULT_STARTUP_TIMEOUT);
                bootstrap = kafka.bootstrapServers();
            }
            String registryUrl = settings.schemaRegistryUrl();
            if (registryStart != null) {
                CompletableFuture<EmbeddedSchemaRegistry> started = registryStart;
                registryStart = null; // awaited here, whatever it throws: the failure path must not await it again
                registry = await(started);
                registryUrl = registry.url();
            }
            if (kafka != null || registry != null) {
                removeStaleEndpoints(settings, progress);
            }
            return new Cluster(kafka, registry, bootstrap, registryUrl, passThrough);
        } catch (RuntimeException e) {
            if (registryStart != null) {
                // Kafka failed while the registry was starting: let it finish, then stop it too.
                try {
                    registry = await(registryStart);
                } catch (RuntimeException registryFailed) {
                    e.addSuppressed(registryFailed);
                }
            }
            Closing.afterFailure(e, registry, kafka);
            throw e;
        }
    }

    private static void startOnItsOwnThread(Runnable start) {
        Thread t = new Thread(start, "semstream-registry-start");
        t.setDaemon(true);
        t.start();
    }

    /** The started registry, or what stopped it from starting, as it was thrown. */
    private static EmbeddedSchemaRegistry await(CompletableFuture<EmbeddedSchemaRegistry> start) {
        try {
            return start.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    // The embedded parts hold the data dir's locks now, so no other run on it is alive: an endpoints file
    // there is what a run killed before its clean shutdown left, and points clients at nothing.
    private static void removeStaleEndpoints(AppSettings settings, Consumer<String> progress) {
        if (Files.isRegularFile(settings.dataDir().resolve(Endpoints.FILE))) {
            Endpoints.remove(settings.dataDir());
            progress.accept("removed the endpoints file an earlier run left in " + settings.dataDir()
                    + " (it did not stop cleanly)");
        }
    }

    /** Runs {@code listener} if the embedded registry dies for good (its restarts used up). */
    void onLost(Runnable listener) {
        if (registry != null) {
            registry.onLost(listener);
        }
    }

    /** Why the embedded registry was given up, or null. */
    Throwable failure() {
        return registry == null ? null : registry.failure();
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    String schemaRegistryUrl() {
        return schemaRegistryUrl;
    }

    /**
     * For plain clients (admin, producers, the serdes): the user's pass-through settings (the
     * {@code --config} file, then {@code SEMSTREAM_KAFKA_*}), then this cluster's addresses, which win.
     */
    Map<String, Object> clientProperties() {
        Map<String, Object> props = new HashMap<>();
        passThrough.forEach((k, v) -> props.put(k.toString(), v));
        props.put("bootstrap.servers", bootstrapServers);
        props.put("schema.registry.url", schemaRegistryUrl);
        return Map.copyOf(props);
    }

    /** Stops the embedded registry, then the embedded broker, whichever of them this cluster started. */
    @Override
    public void close() {
        Closing.inOrder(registry, kafka);
    }
}
