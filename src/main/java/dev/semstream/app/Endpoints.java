package dev.semstream.app;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

/**
 * Where a running pipeline's Kafka, Schema Registry and HTTP API are. {@code run} writes them to
 * {@code <data-dir>/endpoints.properties}, so {@code produce} and {@code consume} find the embedded
 * default without flags; the file is removed on a clean shutdown.
 */
public record Endpoints(String bootstrapServers, String schemaRegistryUrl, String queryUrl) {
    static final String FILE = "endpoints.properties";

    /** Kafka and the registry only: an instance without the HTTP API, or a client's view. */
    public Endpoints(String bootstrapServers, String schemaRegistryUrl) {
        this(bootstrapServers, schemaRegistryUrl, null);
    }

    public void write(Path dataDir) {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", bootstrapServers);
        p.setProperty("schema.registry.url", schemaRegistryUrl);
        if (queryUrl != null) {
            p.setProperty("query.url", queryUrl);
        }
        try {
            Files.createDirectories(dataDir);
            try (Writer w = Files.newBufferedWriter(dataDir.resolve(FILE))) {
                p.store(w, "endpoints of the running semstream pipeline");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dataDir.resolve(FILE), e);
        }
    }

    public static Optional<Endpoints> read(Path dataDir) {
        Path file = dataDir.resolve(FILE);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return Optional.of(new Endpoints(p.getProperty("bootstrap.servers"), p.getProperty("schema.registry.url"),
                p.getProperty("query.url")));
    }

    public static void remove(Path dataDir) {
        try {
            Files.deleteIfExists(dataDir.resolve(FILE));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
