package dev.semstream.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A benchmark's results as JSON in {@code target/bench/<name>.json}: the benchmark's name, the {@link Machine}
 * it ran on, its own settings and summary fields at the top level, and one object per table row in
 * {@code rows}. Every benchmark writes one, so the figures in BENCHMARKS.md can be updated from files.
 */
public final class BenchReport {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String name;
    private final Machine machine;
    private final ObjectNode root = JSON.createObjectNode();
    private final ArrayNode rows;

    private BenchReport(String name, Machine machine) {
        this.name = name;
        this.machine = machine;
        root.put("benchmark", name);
        root.set("machine", machine.toJson());
        rows = JSON.createArrayNode();
    }

    /** A report for the benchmark of this name, on this machine as it is now. */
    public static BenchReport of(String name) {
        return new BenchReport(name, Machine.current());
    }

    /** The machine the figures come from; its {@link Machine#summary()} heads the console output. */
    public Machine machine() {
        return machine;
    }

    /** The top-level object, for settings and summary fields. */
    public ObjectNode root() {
        return root;
    }

    /** A new row of the benchmark's table, to fill in. */
    public ObjectNode addRow() {
        return rows.addObject();
    }

    /** Rounded to a few decimals, so the file reads like the printed table. */
    public static double round(double value, int decimals) {
        if (!Double.isFinite(value)) {
            return value;
        }
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }

    /** Writes the file (rows last), prints where, and returns its path. */
    public Path write() {
        root.set("rows", rows);
        Path out = Path.of("target", "bench", name + ".json");
        try {
            Files.createDirectories(out.getParent());
            Files.writeString(out, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.out.println("(JSON written to " + out + ")");
        return out;
    }
}
