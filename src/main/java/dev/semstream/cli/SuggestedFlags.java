package dev.semstream.cli;

import dev.semstream.topology.InputFormat;

import java.nio.file.Path;

/**
 * The flags the commands {@code run} suggests need to find this pipeline: the ones the user gave {@code run}
 * that differ from the defaults, so a suggestion copied as printed reaches this pipeline and not a default one.
 * Ports need no flag: the other commands read them from the endpoints file in the data dir.
 */
record SuggestedFlags(Path dataDir, String topicPrefix, InputFormat inputFormat) {
    static final Path DEFAULT_DATA_DIR = Path.of("data");

    /** For consume, search and prompt: where the pipeline is and what its topics are called. */
    String where() {
        StringBuilder b = new StringBuilder();
        if (!dataDir.normalize().equals(DEFAULT_DATA_DIR)) {
            b.append(" --data-dir ").append(quoted(dataDir.toString()));
        }
        if (topicPrefix != null) {
            b.append(" --topic-prefix ").append(quoted(topicPrefix));
        }
        return b.toString();
    }

    /** For produce: also the input format, which produce must write in. */
    String forProduce() {
        return where() + (inputFormat == InputFormat.AVRO ? "" : " --format " + inputFormat);
    }

    /** The string as a shell word, quoted only when it needs to be. */
    static String quoted(String s) {
        return s.matches("[A-Za-z0-9_./:=@+-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
    }
}
