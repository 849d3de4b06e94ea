package dev.semstream.embedded;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import kafka.tools.StorageTool;

/** Formats the KRaft storage of a data directory the first time, as {@code kafka-storage.sh format} does. */
final class StorageFormat {

    private StorageFormat() {
    }

    static void run(DataDirectory data) {
        // The tool prints progress to the stream it is given; keep it off stdout, show it only on failure.
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int exit;
        try (PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            exit = StorageTool.execute(new String[] {
                "format", "--cluster-id", data.clusterId(), "--config", data.configFile().toString()
            }, out);
        } catch (RuntimeException e) {
            throw new EmbeddedKafkaException("cannot format Kafka storage in " + data.logDir() + ": " + e.getMessage()
                    + describe(output), e);
        }
        if (exit != 0) {
            throw new EmbeddedKafkaException("cannot format Kafka storage in " + data.logDir() + " (exit " + exit + ")"
                    + describe(output));
        }
    }

    private static String describe(ByteArrayOutputStream output) {
        String text = output.toString(StandardCharsets.UTF_8).strip();
        return text.isEmpty() ? "" : "\n" + text;
    }
}
