package dev.semstream.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * loss.csv: {@code step,train_loss,validation_loss,learning_rate,tokens_per_second}, one row per step, a value
 * left empty where there is none (no evaluation at that step; no training before step 1). Rows are appended
 * as the run goes, so the file is useful while it trains and after a crash.
 */
final class LossCsv {
    static final String HEADER = "step,train_loss,validation_loss,learning_rate,tokens_per_second";

    private LossCsv() {
    }

    /** The rows of an earlier session up to {@code step} (a resumed run repeats the steps after it); none if no file. */
    static List<LossRow> read(Path file, long upToStep) {
        List<LossRow> rows = new ArrayList<>();
        if (!Files.exists(file)) {
            return rows;
        }
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.split(",", -1);
                if (f.length != 5) {
                    throw new IllegalArgumentException(file + ": not a loss.csv row: " + line);
                }
                LossRow row = new LossRow(Long.parseLong(f[0]), (float) number(f[1]), (float) number(f[2]),
                        (float) number(f[3]), number(f[4]));
                if (row.step() <= upToStep) {
                    rows.add(row);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(file + ": not a number: " + e.getMessage(), e);
        }
        return rows;
    }

    /** Replaces the file with the header and these rows. */
    static void write(Path file, List<LossRow> rows) {
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        rows.forEach(r -> sb.append(line(r)).append('\n'));
        try {
            Files.writeString(file, sb, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    static void append(Path file, LossRow row) {
        try {
            Files.writeString(file, line(row) + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    static String line(LossRow r) {
        return r.step() + "," + value("%.6f", r.trainLoss()) + "," + value("%.6f", r.validationLoss()) + ","
                + value("%.4e", r.learningRate()) + "," + value("%.1f", r.tokensPerSecond());
    }

    private static String value(String format, double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, format, v);
    }

    private static double number(String field) {
        return field.isEmpty() ? Double.NaN : Double.parseDouble(field);
    }
}
