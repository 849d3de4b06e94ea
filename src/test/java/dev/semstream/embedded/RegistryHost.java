package dev.semstream.embedded;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A JVM that starts a persistent embedded registry, prints its URL and waits: the parent that tests kill with
 * SIGKILL, as a user kills {@code run}.
 */
public final class RegistryHost {
    static final String READY = "registry ready at ";

    private RegistryHost() {
    }

    /** {@code args[0]}: the registry's work directory. */
    public static void main(String[] args) throws Exception {
        EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(Path.of(args[0]), Duration.ofMinutes(2));
        System.out.println(READY + registry.url());
        System.out.flush();
        Thread.currentThread().join(); // until killed
    }
}
