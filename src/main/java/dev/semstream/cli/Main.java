package dev.semstream.cli;

import dev.semstream.model.Encoder;
import dev.semstream.model.EncoderOptions;
import dev.semstream.model.load.EncoderModels;
import dev.semstream.train.TrainingListener;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Entry point of the {@code semstream} command; each subcommand is a class of its own. One instance is one
 * run: it carries the streams the run reads and writes, so tests can run commands without touching
 * {@code System.in} and {@code System.out}.
 */
@Command(name = "semstream", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Streaming embeddings and similarity search on Kafka Streams, with an in-process transformer.",
        subcommands = {EmbedCommand.class, RunCommand.class, ProduceCommand.class, ConsumeCommand.class,
                SearchCommand.class, SimilarityCommand.class, PromptCommand.class, TrainCommand.class, ReembedCommand.class,
                CommandLine.HelpCommand.class})
public final class Main {
    final InputStream stdin;
    /** Raw bytes: JSON output is written as UTF-8 bytes, whatever the platform charset. */
    final PrintStream stdout;
    private final PrintStream stderr;
    /** Checkpoint directory (null for the bundled default) and options to an encoder; tests reuse one. */
    final BiFunction<String, EncoderOptions, Encoder> encoderLoader;
    /** Also hears a `train` run's steps, with its Ctrl-C flag in hand: tests stop a run through it. */
    final Function<TrainingStop, TrainingListener> trainingObserver;

    Main(InputStream stdin, PrintStream stdout, PrintStream stderr,
         BiFunction<String, EncoderOptions, Encoder> encoderLoader) {
        this(stdin, stdout, stderr, encoderLoader, stop -> TrainingListener.NONE);
    }

    Main(InputStream stdin, PrintStream stdout, PrintStream stderr,
         BiFunction<String, EncoderOptions, Encoder> encoderLoader,
         Function<TrainingStop, TrainingListener> trainingObserver) {
        this.stdin = stdin;
        this.stdout = stdout;
        this.stderr = stderr;
        this.encoderLoader = encoderLoader;
        this.trainingObserver = trainingObserver;
    }

    PrintStream stderr() {
        return stderr;
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line on the process's streams and returns its exit code. */
    public static int run(String... args) {
        return run(System.in, System.out, System.err, args);
    }

    /** Runs a command line on the given streams; 0 on success, 2 for usage errors, 1 for failures. */
    public static int run(InputStream in, PrintStream out, PrintStream err, String... args) {
        return new Main(in, out, err, EncoderModels::named).execute(args);
    }

    int execute(String... args) {
        CommandLine cli = new CommandLine(this);
        // Help and messages in UTF-8 like the JSON, so one run never mixes two encodings on a stream.
        cli.setOut(new PrintWriter(new OutputStreamWriter(stdout, StandardCharsets.UTF_8), true));
        cli.setErr(new PrintWriter(new OutputStreamWriter(stderr, StandardCharsets.UTF_8), true));
        cli.setCaseInsensitiveEnumValuesAllowed(true); // --pooling cls as well as CLS
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            // One clear line on stderr, not a stack trace; -Dsemstream.debug=true shows the trace.
            cmd.getErr().println("semstream: " + describe(ex));
            if (Boolean.getBoolean("semstream.debug")) {
                ex.printStackTrace(cmd.getErr());
            }
            return 1;
        });
        try {
            return cli.execute(args);
        } finally {
            // Auto-flush covers println only; usage messages end with print.
            cli.getOut().flush();
            cli.getErr().flush();
        }
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
