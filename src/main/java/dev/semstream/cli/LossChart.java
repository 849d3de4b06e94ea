package dev.semstream.cli;

import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/** loss.png: the training loss of every step and the validation loss of every evaluation, against the step. */
final class LossChart {
    static final int WIDTH = 1000;
    static final int HEIGHT = 600;
    /** Matplotlib's first two colours, so the plot reads like the ones nanoGPT users know. */
    static final Color TRAIN = new Color(0x1f, 0x77, 0xb4);
    static final Color VALIDATION = new Color(0xff, 0x7f, 0x0e);

    static {
        // Drawn off screen: a server or CI job has no display, and AWT must not look for one.
        System.setProperty("java.awt.headless", "true");
    }

    private LossChart() {
    }

    /** Writes the chart (replacing the file through a temporary one, so a reader never sees half a PNG). */
    static void write(Path png, List<LossRow> rows, String title) {
        XYSeries train = new XYSeries("train");
        XYSeries validation = new XYSeries("validation");
        for (LossRow r : rows) {
            if (!Float.isNaN(r.trainLoss())) {
                train.add(r.step(), r.trainLoss());
            }
            if (!Float.isNaN(r.validationLoss())) {
                validation.add(r.step(), r.validationLoss());
            }
        }
        XYSeriesCollection data = new XYSeriesCollection();
        data.addSeries(train);
        data.addSeries(validation);
        NumberAxis steps = new NumberAxis("step");
        steps.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        NumberAxis loss = new NumberAxis("cross-entropy (nats per token)");
        loss.setAutoRangeIncludesZero(false);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        renderer.setSeriesPaint(0, TRAIN);
        renderer.setSeriesStroke(0, new BasicStroke(1.5f));
        renderer.setSeriesPaint(1, VALIDATION);
        renderer.setSeriesStroke(1, new BasicStroke(2.5f));
        renderer.setSeriesShapesVisible(1, true); // evaluations are few: show each point
        XYPlot plot = new XYPlot(data, steps, loss, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        Path tmp = png.resolveSibling(png.getFileName() + ".tmp");
        try {
            ChartUtils.saveChartAsPNG(tmp.toFile(), chart, WIDTH, HEIGHT);
            Files.move(tmp, png, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + png, e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // Only a leftover of a failed write.
            }
        }
    }
}
