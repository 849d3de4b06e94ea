package dev.semstream.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code semstream} command; each subcommand is a class of its own. */
@Command(name = "semstream", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Streaming embeddings and similarity search on Kafka Streams, with an in-process transformer.",
        subcommands = {EmbedCommand.class, CommandLine.HelpCommand.class})
public final class Main {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit code; 2 for usage errors, 1 for failures. */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            // One clear line on stderr, not a stack trace; -Dsemstream.debug=true shows the trace.
            cmd.getErr().println("semstream: " + describe(ex));
            if (Boolean.getBoolean("semstream.debug")) {
                ex.printStackTrace(cmd.getErr());
            }
            return 1;
        });
        return cli.execute(args);
    }

    static String describe(Throwable ex) {
        String message = ex.getMessage();
        if (message == null || message.isBlank()) {
            return ex.getClass().getSimpleName();
        }
        return ex.getCause() != null && ex.getCause().getMessage() != null && !message.contains(ex.getCause().getMessage())
                ? message + ": " + ex.getCause().getMessage() : message;
    }
}
