package dev.semstream.cli;

import dev.semstream.avro.TextEvent;
import dev.semstream.tokenize.ByteLevelBpeTokenizer;
import dev.semstream.topology.InputFormat;
import dev.semstream.topology.InputTopicSnapshot;
import org.apache.kafka.common.serialization.Deserializer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What `train` learns from, as documents that {@code <|endoftext|>} separates in the token stream: text files
 * (UTF-8, each a document, or several where the file itself has the literal {@code <|endoftext|>} between
 * them, as a prepared corpus does), or the texts on the input topic at one moment ({@link InputTopicSnapshot}).
 * Blank documents are dropped. Its {@link Source} is what --resume needs to read the same corpus again.
 */
final class TrainCorpus {
    private static final Pattern SEPARATOR = Pattern.compile(Pattern.quote(ByteLevelBpeTokenizer.END_OF_TEXT));

    /**
     * Where the corpus came from: the files, or the topic read up to these end offsets.
     *
     * @param files      absolute paths, or empty for a topic
     * @param topic      the topic, or null for files
     * @param format     the topic's input format, or null for files
     * @param endOffsets partition to the offset the snapshot stopped at, or null for files
     */
    record Source(List<String> files, String topic, InputFormat format, SortedMap<Integer, Long> endOffsets) {
        static Source ofFiles(List<Path> files) {
            return new Source(files.stream().map(p -> p.toAbsolutePath().normalize().toString()).toList(), null, null,
                    null);
        }

        boolean readsTopic() {
            return topic != null;
        }
    }

    private final List<String> documents;
    private final Source source;
    private final String description;

    private TrainCorpus(List<String> documents, Source source, String description) {
        this.documents = documents;
        this.source = source;
        this.description = description;
    }

    /** @throws IllegalArgumentException for a file that is missing, not a regular file, or not UTF-8 */
    static TrainCorpus ofFiles(List<Path> files) {
        List<String> documents = new ArrayList<>();
        long bytes = 0;
        for (Path file : files) {
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException(Files.isDirectory(file) ? file + " is a directory, not a text file"
                        : "no such file: " + file);
            }
            byte[] content;
            try {
                content = Files.readAllBytes(file);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
            }
            bytes += content.length;
            split(utf8(content, file), documents);
        }
        String description = files.size() + (files.size() == 1 ? " file, " : " files, ") + megabytes(bytes) + ", "
                + documents.size() + (documents.size() == 1 ? " document" : " documents");
        return new TrainCorpus(List.copyOf(documents), Source.ofFiles(files), description);
    }

    /**
     * The input topic's texts now ({@code upTo} null), or up to an earlier snapshot's end offsets.
     *
     * @param avro decodes Avro TextEvents; null for the text and JSON formats
     */
    static TrainCorpus ofTopic(Map<String, Object> clientProperties, String topic, InputFormat format,
                               Deserializer<TextEvent> avro, SortedMap<Integer, Long> upTo) {
        InputTopicSnapshot.Snapshot snapshot = InputTopicSnapshot.read(clientProperties, topic, format, avro, upTo);
        List<String> documents = new ArrayList<>();
        long bytes = 0;
        for (String text : snapshot.texts()) {
            bytes += text.getBytes(StandardCharsets.UTF_8).length;
            split(text, documents);
        }
        String skipped = snapshot.skippedCount() == 0 ? "" : ", " + snapshot.skippedCount()
                + " skipped as the embedder would dead-letter them (" + snapshot.skipped().entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")) + ")";
        String description = "topic " + topic + " (" + format + ", read committed up to offsets "
                + snapshot.endOffsets() + "): " + snapshot.records() + " records, " + snapshot.texts().size()
                + " live texts, " + megabytes(bytes) + skipped;
        return new TrainCorpus(List.copyOf(documents), new Source(List.of(), topic, format,
                new TreeMap<>(snapshot.endOffsets())), description);
    }

    List<String> documents() {
        return documents;
    }

    Source source() {
        return source;
    }

    /** For the log: where from, how much, how many documents. */
    String description() {
        return description;
    }

    /** UTF-8 bytes of all the documents: a bound on the token count before any tokenizer exists. */
    long utf8Bytes() {
        long n = 0;
        for (String d : documents) {
            n += d.getBytes(StandardCharsets.UTF_8).length;
        }
        return n;
    }

    private static void split(String text, List<String> into) {
        for (String doc : SEPARATOR.split(text, -1)) {
            if (!doc.isBlank()) {
                into.add(doc);
            }
        }
    }

    private static String utf8(byte[] content, Path file) {
        CharBuffer out = CharBuffer.allocate(content.length);
        ByteBuffer in = ByteBuffer.wrap(content);
        CoderResult result = StandardCharsets.UTF_8.newDecoder().decode(in, out, true);
        if (result.isError()) {
            throw new IllegalArgumentException(file + " is not UTF-8 text: malformed bytes at offset " + in.position());
        }
        return out.flip().toString();
    }

    private static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }
}
