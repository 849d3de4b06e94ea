package dev.semstream.cli;

import dev.semstream.train.EvaluationReport;
import dev.semstream.train.StepReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LossLogTest {
    @TempDir
    Path dir;

    private static StepReport step(long step, float loss) {
        return new StepReport(step, 6, loss, 1e-3f * step, 1f, 1000.0 + step, Duration.ofSeconds(step),
                Duration.ofSeconds(6 - step));
    }

    private void train(LossLog log, long from, long to) {
        for (long s = from; s <= to; s++) {
            log.step(step(s, 5f - s * 0.5f));
            if (s % 2 == 0) {
                log.evaluated(new EvaluationReport(s, 5f - s * 0.5f, 5.2f - s * 0.4f));
            }
        }
    }

    @Test
    void aRowPerStepWithTheValidationLossWhereTheStepWasEvaluated() throws Exception {
        LossLog log = LossLog.start(dir.resolve("loss.csv"), dir.resolve("loss.png"), "test", System.err);
        log.evaluated(new EvaluationReport(0, 5.5f, 5.6f));
        train(log, 1, 4);
        log.finish();
        assertEquals(List.of(LossCsv.HEADER,
                "0,,5.600000,,",
                "1,4.500000,,1.0000e-03,1001.0",
                "2,4.000000,4.400000,2.0000e-03,1002.0",
                "3,3.500000,,3.0000e-03,1003.0",
                "4,3.000000,3.600000,4.0000e-03,1004.0"), Files.readAllLines(dir.resolve("loss.csv")));
    }

    @Test
    void aResumedRunDropsTheRowsAfterItsCheckpointAndGoesOnFromThem() throws Exception {
        LossLog first = LossLog.start(dir.resolve("loss.csv"), dir.resolve("loss.png"), "test", System.err);
        train(first, 1, 5); // killed after step 5; the checkpoint holds step 4
        first.finish();
        LossLog resumed = LossLog.resume(dir.resolve("loss.csv"), dir.resolve("loss.png"), "test", 4, System.err);
        train(resumed, 5, 6);
        resumed.finish();
        List<String> lines = Files.readAllLines(dir.resolve("loss.csv"));
        assertEquals(7, lines.size(), String.join("\n", lines));
        assertEquals("5,2.500000,,5.0000e-03,1005.0", lines.get(5));
        assertEquals("6,2.000000,2.800000,6.0000e-03,1006.0", lines.get(6));
        // What the plot is drawn from is what the file holds: the first session's rows, then the resumed ones.
        assertEquals(lines.subList(1, 7), resumed.rows().stream().map(LossCsv::line).toList());
    }

    @Test
    void thePlotHasBothCurvesInTheirColours() throws Exception {
        LossLog log = LossLog.start(dir.resolve("loss.csv"), dir.resolve("loss.png"), "test", System.err);
        log.evaluated(new EvaluationReport(0, 5.5f, 5.6f));
        train(log, 1, 6);
        log.finish();
        BufferedImage png = ImageIO.read(dir.resolve("loss.png").toFile());
        assertEquals(LossChart.WIDTH, png.getWidth());
        assertEquals(LossChart.HEIGHT, png.getHeight());
        assertTrue(pixels(png, LossChart.TRAIN) > 50, "train curve pixels: " + pixels(png, LossChart.TRAIN));
        assertTrue(pixels(png, LossChart.VALIDATION) > 50, "validation pixels: " + pixels(png, LossChart.VALIDATION));
    }

    private static int pixels(BufferedImage image, Color colour) {
        int n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if ((image.getRGB(x, y) & 0xffffff) == (colour.getRGB() & 0xffffff)) {
                    n++;
                }
            }
        }
        return n;
    }
}
