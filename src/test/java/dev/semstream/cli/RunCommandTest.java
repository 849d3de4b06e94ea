package dev.semstream.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** {@code semstream run} refuses bad flags at once, naming the flag, before it loads a model or starts a broker. */
class RunCommandTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--batch-size|0|--batch-size must be at least 1, got 0",
            "--flush-ms|0|--flush-ms must be at least 1, got 0",
            "--hnsw-min-vectors|-1|--hnsw-min-vectors must be 0 or more, got -1",
            "--vector-encoding|fp8|unknown vector encoding 'fp8'; expected one of float, bf16, int8",
            "--vector-encoding|float,=int8|no model before '=' in '=int8'",
            "--vector-encoding|bge-small-en-v1.5=int8,bge-small-en-v1.5=bf16|model bge-small-en-v1.5 is given twice",
            "--http-host|0.0.0.0|beyond this machine, without a token: give --api-token TOKEN",
            "--generator-model|model/semstream-gpt --no-generator|--no-generator and --generator-model: choose one"})
    void aBadFlagIsAUsageErrorThatNamesIt(String flag, String value, String message) {
        List<String> args = new ArrayList<>(List.of("run", flag));
        args.addAll(List.of(value.split(" ")));
        args.addAll(List.of("--data-dir", "unused"));
        Run run = run(args.toArray(String[]::new));
        assertEquals(2, run.exit(), run.err());
        assertTrue(run.err().contains(message), run.err());
        assertEquals("", run.out());
    }

    /** Row 12 of issue 11: a taken port was reported after the model, Kafka and the registry had started. */
    @ParameterizedTest
    @ValueSource(strings = {"--kafka-port", "--registry-port", "--http-port"})
    void aTakenPortFailsInAMomentNamingItsFlagBeforeTheModelLoads(String flag, @TempDir Path dataDir) throws Exception {
        // The HTTP API binds --http-host (localhost); the embedded broker and registry bind 127.0.0.1.
        String host = flag.equals("--http-port") ? "localhost" : "127.0.0.1";
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName(host))) {
            List<String> args = new ArrayList<>(List.of("run", "--data-dir", dataDir.toString()));
            for (String portFlag : List.of("--kafka-port", "--registry-port", "--http-port")) {
                args.addAll(List.of(portFlag, portFlag.equals(flag) ? Integer.toString(taken.getLocalPort()) : "0"));
            }
            long begin = System.nanoTime();
            Run run = run(args.toArray(String[]::new));
            Duration took = Duration.ofNanos(System.nanoTime() - begin);
            assertEquals(2, run.exit(), run.err());
            assertTrue(run.err().contains("port " + taken.getLocalPort() + " on ")
                    && run.err().contains("choose another with " + flag + " PORT"), run.err());
            // Seconds, not the 45 s of starting Kafka and the registry first; a cold picocli takes some of them.
            assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, "failed in " + took.toMillis() + " ms");
            assertTrue(Files.notExists(dataDir.resolve("kafka")), "nothing was started");
        }
    }

    /** The defaults of the embedded default's ports, which the README documents. */
    @Test
    void theEmbeddedDefaultsPortsAreFixedAndDocumentedInTheHelp() {
        Run help = run("run", "--help");
        assertEquals(0, help.exit(), help.err());
        for (String expected : List.of("--kafka-port", "default: 9092", "--registry-port", "default: 8081",
                "--http-port", "default: 7070")) {
            assertTrue(help.out().replaceAll("\\s+", " ").contains(expected), expected + " in:\n" + help.out());
        }
    }

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Main main = new Main(new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), (dir, options) -> fail("the model was loaded"));
        int exit = main.execute(args);
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
