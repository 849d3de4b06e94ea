package dev.semstream.app;

import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * What a pipeline's embedded cluster leaves in its data dir, read back by tests to check that a closed
 * cluster holds nothing any more: the ports of the broker's latest start (its {@code server.properties},
 * written for people) and of the registry's (its log is named after the port).
 */
final class LeftBehind {
    private static final Pattern PORT = Pattern.compile(":(\\d+)");
    private static final Pattern REGISTRY_LOG = Pattern.compile("registry-(\\d+)\\.log");

    private LeftBehind() {
    }

    /** The broker's client and controller ports, from {@code <dataDir>/kafka/server.properties}. */
    static List<Integer> brokerPorts(Path dataDir) throws IOException {
        Properties config = new Properties();
        try (Reader in = Files.newBufferedReader(dataDir.resolve("kafka").resolve("server.properties"))) {
            config.load(in);
        }
        List<Integer> ports = new ArrayList<>();
        Matcher m = PORT.matcher(config.getProperty("listeners"));
        while (m.find()) {
            ports.add(Integer.parseInt(m.group(1)));
        }
        assertEquals(2, ports.size(), "the broker's and the controller's listener: " + config.getProperty("listeners"));
        return ports;
    }

    /** The port of the one registry started in {@code <dataDir>/registry}. */
    static int registryPort(Path dataDir) throws IOException {
        try (Stream<Path> files = Files.list(dataDir.resolve("registry"))) {
            List<Integer> ports = files.map(f -> REGISTRY_LOG.matcher(f.getFileName().toString()))
                    .filter(Matcher::matches).map(m -> Integer.parseInt(m.group(1))).toList();
            assertEquals(1, ports.size(), "one registry log: " + ports);
            return ports.get(0);
        }
    }

    /** Fails unless nothing listens on {@code port} of the loopback address any more. */
    static void assertFree(int port, String whose) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
            assertTrue(socket.isBound());
        } catch (IOException e) {
            fail(whose + " port " + port + " is still taken: " + e.getMessage());
        }
    }

    /** The pids of this JVM's child processes (and theirs) now, to compare with later. */
    static Set<Long> childProcesses() {
        return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).map(ProcessHandle::pid)
                .collect(Collectors.toSet());
    }

    /** Child processes alive now that were not there {@code before}. */
    static List<String> childProcessesSince(Set<Long> before) {
        return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                .filter(p -> !before.contains(p.pid()))
                .map(p -> p.pid() + " " + p.info().commandLine().orElse("?")).toList();
    }
}
