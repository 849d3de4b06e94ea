package dev.semstream.metrics;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One scrape in Prometheus' text format, read as a test would: a series' value by name and labels. */
public final class ScrapedSeries {
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? (\\S+)$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final String text;

    public ScrapedSeries(String text) {
        this.text = text;
    }

    /**
     * The value of the one sample named {@code name} whose labels include every pair of {@code labels}
     * (name, value, name, value...); empty when none has them. Fails when several do: the test is vague.
     */
    public OptionalDouble value(String name, String... labels) {
        Map<String, String> wanted = new LinkedHashMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            wanted.put(labels[i], labels[i + 1]);
        }
        Double found = null;
        for (String line : text.split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (line.startsWith("#") || !m.matches() || !m.group(1).equals(name)) {
                continue;
            }
            Map<String, String> has = new LinkedHashMap<>();
            if (m.group(2) != null) {
                Matcher l = LABEL.matcher(m.group(2));
                while (l.find()) {
                    has.put(l.group(1), l.group(2));
                }
            }
            if (has.entrySet().containsAll(wanted.entrySet())) {
                if (found != null) {
                    throw new AssertionError("several samples of " + name + " have " + wanted + ":\n" + text);
                }
                found = Double.parseDouble(m.group(3));
            }
        }
        return found == null ? OptionalDouble.empty() : OptionalDouble.of(found);
    }

    @Override
    public String toString() {
        return text;
    }
}
