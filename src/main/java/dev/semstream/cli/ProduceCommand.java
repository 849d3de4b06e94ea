package dev.semstream.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.semstream.app.Endpoints;
import dev.semstream.avro.TextEvent;
import dev.semstream.topology.InputFormat;
import dev.semstream.topology.TextEventWriter;
import dev.semstream.topology.TextEvents;
import dev.semstream.topology.TopicDefinitions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code semstream produce}: texts to the input topic, from arguments, a file (one per line, or JSON
 * lines with id, text and metadata) or stdin. Prints each id on stdout once the broker has acknowledged
 * its record, in input order; a record that failed is named on stderr and the exit code is 1. Progress goes
 * to stderr.
 */
@Command(name = "produce", mixinStandardHelpOptions = true,
        description = {"Produce texts to the input topic. One text per argument, per line of --file, or per line of",
                "stdin. JSON lines ({\"id\", \"text\", \"metadata\"}) keep their ids; a text without one gets a stable",
                "id, the first 16 hex digits of the text's SHA-256 (as POST /texts gives it), so producing the same",
                "text again updates it."})
final class ProduceCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Texts sent and not yet answered, at most: bounds what is waiting to be printed, not the batching. */
    private static final int MAX_IN_FLIGHT = 1000;

    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    @Mixin
    ClusterOptions cluster;

    @Parameters(arity = "0..*", paramLabel = "TEXT", description = "Texts to produce.")
    List<String> texts = new ArrayList<>();

    @Option(names = "--file", paramLabel = "FILE", description = "One text per line, or JSON lines.")
    Path file;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "AVRO",
            description = "How to write the input topic, matching the pipeline's --input-format: "
                    + "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}). TEXT carries no metadata: a JSON line "
                    + "with metadata stops the run there.")
    InputFormat format;

    @Option(names = "--topic-prefix", paramLabel = "PREFIX", description = "Topic name prefix (default: semstream).")
    String topicPrefix;

    @Override
    public Integer call() throws Exception {
        if (file != null && !texts.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "give texts as arguments or --file, not both");
        }
        Endpoints endpoints = cluster.resolve();
        if (format == InputFormat.AVRO && endpoints.schemaRegistryUrl() == null) {
            throw new IllegalArgumentException("Avro needs a Schema Registry: pass --schema-registry-url");
        }
        String topic = TopicDefinitions.load(topicPrefix).name("texts");
        PrintStream err = main.stderr();
        long total = file != null ? countLines(file) : texts.size();
        long sent = 0;
        AcknowledgedIds ids = new AcknowledgedIds(main.stdout, err);
        try (TextEventWriter writer = TextEventWriter.connect(cluster.clientProperties(endpoints), topic, format);
             Stream<String> inputs = !texts.isEmpty() ? texts.stream()
                     : lines(file != null ? Files.newBufferedReader(file, StandardCharsets.UTF_8)
                     : new BufferedReader(new InputStreamReader(main.stdin, StandardCharsets.UTF_8)))) {
            // The first failure stops the reading: a missing topic or a lost broker would fail every line after it.
            for (Iterator<String> it = inputs.iterator(); it.hasNext() && ids.failed() == 0; ) {
                String input = it.next();
                if (input.isBlank()) {
                    continue;
                }
                TextEvent event = parse(input);
                AcknowledgedIds.Pending pending = ids.expect(event.getId());
                try {
                    writer.send(event, (metadata, failure) -> ids.completed(pending, failure));
                } catch (RuntimeException e) {
                    ids.completed(pending, e);
                    throw e;
                }
                sent++;
                ids.awaitAtMost(MAX_IN_FLIGHT);
                if (file != null && (sent % 500 == 0)) {
                    progress(err, ids.acknowledged(), total);
                }
            }
            writer.flush();
            ids.awaitAtMost(0);
        }
        if (file != null) {
            progress(err, ids.acknowledged(), total);
            err.println();
        }
        main.stdout.flush();
        if (ids.failed() > 0) {
            err.println("semstream: produced " + ids.acknowledged() + " of " + sent + " texts sent to " + topic + "; "
                    + ids.failed() + " failed (named above)" + (sent < total ? ", and the rest were not sent" : ""));
            return 1;
        }
        err.println("semstream: produced " + sent + " texts to " + topic);
        return 0;
    }

    /** A JSON line keeps its id and metadata; plain text, or a JSON line without an id, gets the content id. */
    static TextEvent parse(String line) throws IOException {
        String trimmed = line.strip();
        if (trimmed.startsWith("{")) {
            JsonNode node = JSON.readTree(trimmed);
            JsonNode text = node.get("text");
            if (text == null || !text.isTextual()) {
                throw new IllegalArgumentException("JSON line without a \"text\" string: " + trimmed);
            }
            JsonNode id = node.get("id");
            Map<String, String> metadata = new java.util.HashMap<>();
            JsonNode meta = node.get("metadata");
            if (meta != null && meta.isObject()) {
                meta.fields().forEachRemaining(e -> metadata.put(e.getKey(), e.getValue().asText()));
            }
            return TextEvents.of(id != null && id.isTextual() ? id.asText() : null, text.asText(), metadata);
        }
        return TextEvents.of(null, line, Map.of());
    }

    /** The reader's lines, read lazily; closing the stream closes the reader. */
    private static Stream<String> lines(BufferedReader reader) {
        return reader.lines().onClose(() -> {
            try {
                reader.close();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    private static long countLines(Path file) throws IOException {
        try (var lines = Files.lines(file, StandardCharsets.UTF_8)) {
            return lines.filter(l -> !l.isBlank()).count();
        }
    }

    private static void progress(PrintStream err, long sent, long total) {
        int width = 30;
        int filled = total == 0 ? width : (int) (width * sent / total);
        err.print("\r[" + "#".repeat(filled) + " ".repeat(width - filled) + "] " + sent + "/" + total);
        err.flush();
    }
}
