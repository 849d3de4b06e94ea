package dev.semstream.cli;

import dev.semstream.train.EvaluationReport;
import dev.semstream.train.StepReport;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProgressPrinterTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private static StepReport step(long step) {
        return new StepReport(step, 25, 4f, 1e-3f, 1f, 500, Duration.ofSeconds(step), Duration.ofSeconds(25 - step));
    }

    private String printed() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void notATerminalOneLineEveryNStepsAndAtTheLast() {
        ProgressPrinter p = new ProgressPrinter(err, false, 10, Float.NaN);
        for (long s = 1; s <= 25; s++) {
            p.step(step(s));
            if (s == 10) {
                p.evaluated(new EvaluationReport(10, 3.9f, 4.1f));
            }
        }
        p.finish();
        String[] lines = printed().split("\n");
        assertEquals(4, lines.length, printed());
        assertTrue(lines[0].startsWith("semstream: step 10/25 (40%)  train 4.000  val -"), lines[0]);
        assertEquals("semstream: evaluation at step 10: train 3.9000, validation 4.1000", lines[1]);
        assertTrue(lines[2].startsWith("semstream: step 20/25 (80%)  train 4.000  val 4.100"), lines[2]);
        assertTrue(lines[3].startsWith("semstream: step 25/25 (100%)"), lines[3]);
        assertFalse(printed().contains("\r"));
    }

    @Test
    void onATerminalTheLineIsRedrawnInPlaceWithEvaluationsAboveIt() {
        ProgressPrinter p = new ProgressPrinter(err, true, 10, Float.NaN);
        p.step(step(1));
        p.evaluated(new EvaluationReport(1, 3.9f, 4.1f));
        p.step(step(25));
        p.finish();
        String out = printed();
        assertTrue(out.startsWith("\rsemstream: step 1/25"), out);
        // The evaluation clears the progress line, takes a line of its own, and the progress line comes back.
        assertTrue(out.contains("\r" + " ".repeat("semstream: ".length()) + "") && out.contains(
                "\rsemstream: evaluation at step 1: train 3.9000, validation 4.1000\n\rsemstream: step 1/25"), out);
        assertTrue(out.endsWith("ETA 0s\n"), out);
    }
}
