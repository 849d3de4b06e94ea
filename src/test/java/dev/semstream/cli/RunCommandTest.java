package dev.semstream.cli;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

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
            "--http-host|0.0.0.0|beyond this machine, without a token: give --api-token TOKEN"})
    void aBadFlagIsAUsageErrorThatNamesIt(String flag, String value, String message) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Main main = new Main(new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), (dir, options) -> fail("the model was loaded"));
        int exit = main.execute("run", flag, value, "--data-dir", "unused");
        String stderr = err.toString(StandardCharsets.UTF_8);
        assertEquals(2, exit, stderr);
        assertTrue(stderr.contains(message), stderr);
        assertEquals("", out.toString(StandardCharsets.UTF_8));
    }
}
