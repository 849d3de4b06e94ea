package dev.semstream.embedded;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Reading a registry child's log for a failure message: the cause first, then the end of the log. */
final class RegistryLog {
    private RegistryLog() {
    }

    /**
     * The innermost cause of the last stack trace in the log (its last {@code Caused by:} line), which is the
     * reason at the bottom of Quarkus' trace; with a hint when it is H2 saying another process holds its file.
     */
    static String cause(Path log) {
        List<String> lines = read(log);
        String cause = null;
        for (String line : lines) {
            String stripped = line.strip();
            if (stripped.startsWith("Caused by: ")) {
                cause = stripped.substring("Caused by: ".length());
            }
        }
        if (cause == null) {
            for (String line : lines) {
                if (line.contains("ERROR")) cause = line.strip();
            }
        }
        if (cause == null) return "no error in its log";
        if (cause.contains("file is locked") || cause.contains("already in use")) {
            return cause + " (another process holds the registry's H2 database; stop it or use another data dir)";
        }
        return cause;
    }

    static String tail(Path log) {
        List<String> lines = read(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }

    private static List<String> read(Path log) {
        try {
            // Lenient: a child killed mid-write may leave half a character.
            return new String(Files.readAllBytes(log), StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            return List.of("(cannot read log: " + e + ")");
        }
    }
}
