package dev.semstream.cli;

import dev.semstream.app.Endpoints;
import dev.semstream.topology.StreamsProperties;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Where the Kafka cluster and the Schema Registry are, shared by run, produce and consume. */
final class ClusterOptions {
    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT,...",
            description = "An existing Kafka cluster. Default: the embedded one (run starts it; produce and "
                    + "consume find it through --data-dir).")
    String bootstrapServers;

    @Option(names = "--schema-registry-url", paramLabel = "URL",
            description = "An existing Confluent-compatible Schema Registry. Default: the embedded one.")
    String schemaRegistryUrl;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Kafka client and Streams properties (SASL, SSL, ...) to pass through. "
                    + "SEMSTREAM_KAFKA_<PROPERTY> environment variables pass through too.")
    Path propertiesFile;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "data",
            description = "Embedded broker data, registry files and Streams state (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    /** The cluster given by flags, else the one a running `semstream run` wrote to the data dir. */
    Endpoints resolve() {
        if (bootstrapServers != null) {
            return new Endpoints(bootstrapServers, schemaRegistryUrl);
        }
        return Endpoints.read(dataDir).map(e -> new Endpoints(e.bootstrapServers(),
                        schemaRegistryUrl != null ? schemaRegistryUrl : e.schemaRegistryUrl()))
                .orElseThrow(() -> new IllegalArgumentException("no cluster given and no running pipeline found in "
                        + dataDir + ": start one with `semstream run`, or pass --bootstrap-servers"));
    }

    /** Client properties: the cluster, then the file and the environment, then the registry. */
    Map<String, Object> clientProperties(Endpoints endpoints) {
        Map<String, Object> props = new HashMap<>();
        props.put("bootstrap.servers", endpoints.bootstrapServers());
        StreamsProperties.passThrough(propertiesFile, System.getenv()).forEach((k, v) -> props.put(k.toString(), v));
        if (endpoints.schemaRegistryUrl() != null) {
            props.put("schema.registry.url", endpoints.schemaRegistryUrl());
        }
        return props;
    }
}
