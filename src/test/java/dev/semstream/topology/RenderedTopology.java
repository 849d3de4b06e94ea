package dev.semstream.topology;

import org.apache.kafka.streams.Topology;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The topologies rendered into {@code topology/} are read by people, so a test keeps each one current. */
final class RenderedTopology {
    private RenderedTopology() {
    }

    /** Fails when {@code topology/<fileName>} differs from the topology's description; rewrites it on request. */
    static void assertCurrent(Topology topology, String fileName, Class<?> test) throws IOException {
        String rendered = topology.describe().toString();
        Path file = Path.of("topology", fileName);
        if (Boolean.getBoolean("semstream.renderTopology")) {
            Files.writeString(file, rendered);
        }
        assertEquals(rendered, Files.readString(file), "topology/" + fileName + " is stale: run mvn test -Dtest="
                + test.getSimpleName() + " -Dsemstream.renderTopology=true");
    }
}
