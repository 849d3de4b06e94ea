package dev.semstream.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft, broker and controller in one) running inside this JVM.
 *
 * <p>Everything it stores lives under one data directory, so a restart on the same directory keeps
 * topics, committed consumer offsets and transactions. It listens on 127.0.0.1 only, on a free port
 * unless given one, and is configured so exactly-once works on one node (internal topics with one
 * replica). Automatic topic creation is off: create topics from
 * {@link dev.semstream.topology.TopicDefinitions}.
 *
 * <pre>{@code
 * try (EmbeddedKafka kafka = EmbeddedKafka.start(Path.of("data/kafka"))) {
 *     props.put("bootstrap.servers", kafka.bootstrapServers());
 *     ...
 * }
 * }</pre>
 */
public final class EmbeddedKafka implements AutoCloseable {

    /** How long {@link #start} waits for the broker to answer before giving up. */
    public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(60);

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

    // Attempts when a listener port turns out to be taken (see start).
    private static final int BIND_ATTEMPTS = 3;

    private final DataDirectory data;
    private final KafkaRaftServer server;
    private final String bootstrapServers;
    private final AtomicBoolean closed = new AtomicBoolean();
    private Duration startupTime = Duration.ZERO;

    private EmbeddedKafka(DataDirectory data, KafkaRaftServer server, int port) {
        this.data = data;
        this.server = server;
        this.bootstrapServers = BrokerProperties.HOST + ":" + port;
    }

    /**
     * Starts a broker on a free port, with its data under {@code dataDir} (created if missing).
     *
     * @throws EmbeddedKafkaException when the directory is not usable or the broker does not come up in time
     */
    public static EmbeddedKafka start(Path dataDir) {
        return start(dataDir, 0, DEFAULT_STARTUP_TIMEOUT);
    }

    /**
     * Starts a broker with its data under {@code dataDir} (created if missing).
     *
     * @param port           the client (PLAINTEXT) port on 127.0.0.1; 0 picks a free one
     * @param startupTimeout how long to wait for the broker to answer clients
     * @throws EmbeddedKafkaException when the directory is not usable or the broker does not come up in time
     */
    public static EmbeddedKafka start(Path dataDir, int port, Duration startupTimeout) {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(startupTimeout, "startupTimeout");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0 (pick a free one) or 1 to 65535, got " + port);
        }
        long begin = System.nanoTime();
        for (int attempt = 1; ; attempt++) {
            try {
                EmbeddedKafka kafka = startOnce(dataDir, port, startupTimeout);
                kafka.startupTime = Duration.ofNanos(System.nanoTime() - begin);
                LOG.info("embedded Kafka ready on {} in {} ms (cluster {}, data {})",
                        kafka.bootstrapServers, kafka.startupTime.toMillis(), kafka.clusterId(), kafka.dataDir());
                return kafka;
            } catch (EmbeddedKafkaException e) {
                // A port picked free can be taken by another process before Kafka binds it; pick again.
                // A port the caller chose and someone else holds will not become free by retrying.
                boolean givenPortTaken = port != 0 && e.getMessage().contains(BrokerProperties.HOST + ":" + port + ":");
                if (attempt < BIND_ATTEMPTS && Causes.causedBy(e, BindException.class) && !givenPortTaken) {
                    LOG.warn("embedded Kafka could not bind its port, retrying with new ones: {}", e.getMessage());
                    continue;
                }
                throw e;
            }
        }
    }

    private static EmbeddedKafka startOnce(Path dataDir, int port, Duration startupTimeout) {
        long deadline = System.nanoTime() + startupTimeout.toNanos();
        DataDirectory data = DataDirectory.open(dataDir);
        KafkaRaftServer server;
        int brokerPort;
        try {
            brokerPort = port == 0 ? FreePort.pick() : port;
            int controllerPort = FreePort.pick();
            Map<String, String> config = BrokerProperties.of(data, brokerPort, controllerPort, startupTimeout);
            writeConfigFile(data, config);
            if (data.needsFormat()) {
                StorageFormat.run(data);
            }
            server = new KafkaRaftServer(KafkaConfig.fromProps(toProperties(config), false), Time.SYSTEM);
        } catch (RuntimeException e) {
            data.close();
            if (e instanceof EmbeddedKafkaException) {
                throw e;
            }
            throw new EmbeddedKafkaException("cannot open Kafka data directory " + data.root() + ": " + e.getMessage(), e);
        }
        EmbeddedKafka kafka = new EmbeddedKafka(data, server, brokerPort);
        try {
            server.startup();
            Readiness.await(kafka.bootstrapServers, deadline, startupTimeout);
        } catch (RuntimeException e) {
            try {
                kafka.close();
            } catch (RuntimeException closing) {
                e.addSuppressed(closing);
            }
            if (e instanceof EmbeddedKafkaException) {
                throw e;
            }
            // Past the deadline, Kafka's own words ("fatal error while waiting for the controller") hide the cause.
            String failed = System.nanoTime() >= deadline
                    ? "did not start within " + startupTimeout.toMillis() + " ms"
                    : "failed to start";
            throw new EmbeddedKafkaException("embedded Kafka " + failed + " on " + kafka.bootstrapServers
                    + " with data in " + data.root() + ": " + Causes.reason(e), e);
        }
        return kafka;
    }

    /** The {@code bootstrap.servers} value for clients, e.g. {@code 127.0.0.1:40123}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The cluster id, the same on every start on the same data directory. */
    public String clusterId() {
        return data.clusterId();
    }

    /** The data directory (absolute). */
    public Path dataDir() {
        return data.root();
    }

    /** How long {@link #start} took, from opening the data directory to the broker answering clients. */
    public Duration startupTime() {
        return startupTime;
    }

    /** Admin client settings for this broker (callers add their own and close the client). */
    public Properties adminConfig() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return props;
    }

    /** Shuts the broker down and waits until it has stopped; later calls do nothing. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            server.shutdown();
            server.awaitShutdown();
        } finally {
            data.close();
        }
    }

    private static void writeConfigFile(DataDirectory data, Map<String, String> config) {
        StringBuilder text = new StringBuilder("# Written by semstream's embedded Kafka on every start; edits are overwritten.\n");
        config.forEach((key, value) -> text.append(key).append('=').append(value.replace("\\", "\\\\")).append('\n'));
        try {
            DataDirectory.writeAtomically(data.configFile(), text.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + data.configFile(), e);
        }
    }

    private static Properties toProperties(Map<String, String> config) {
        Properties props = new Properties();
        props.putAll(config);
        return props;
    }
}
