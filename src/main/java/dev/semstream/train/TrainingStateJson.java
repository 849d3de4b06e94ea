package dev.semstream.train;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.semstream.model.GptConfig;
import dev.semstream.model.ModelException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code state.json}: a {@link TrainingState} as JSON. Every float is written in its shortest exact form and
 * read back through its decimal text (never through a double), so options and loss history come back to the
 * same bits and a resumed run's history equals an unbroken one's. The loss history is written as rows
 * {@code [step, trainLoss, learningRate, gradNorm]} and {@code [step, trainLoss, validationLoss]}; a
 * validation loss of a run without a held-out split is null.
 */
final class TrainingStateJson {
    static final String FORMAT = "semstream-training-checkpoint";
    static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private TrainingStateJson() {
    }

    static void write(Path file, TrainingState s) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("version", VERSION);
        root.put("step", s.step());
        root.put("elapsed", s.elapsed().toString());
        root.putObject("corpus").put("tokens", s.corpusTokens()).put("sha256", s.corpusFingerprint());
        GptConfig c = s.config();
        root.putObject("config").put("vocabSize", c.vocabSize()).put("contextLength", c.contextLength())
                .put("dim", c.dim()).put("layers", c.layers()).put("heads", c.heads())
                .put("layerNormEps", c.layerNormEps());
        TrainingOptions o = s.options();
        root.putObject("options").put("batch", o.batch()).put("accumulation", o.accumulation())
                .put("learningRate", o.learningRate()).put("minLearningRate", o.minLearningRate())
                .put("warmupSteps", o.warmupSteps()).put("steps", o.steps()).put("weightDecay", o.weightDecay())
                .put("beta1", o.beta1()).put("beta2", o.beta2()).put("epsilon", o.epsilon())
                .put("gradClip", o.gradClip()).put("seed", o.seed()).put("evalEvery", o.evalEvery())
                .put("evalBatches", o.evalBatches()).put("checkpointEvery", o.checkpointEvery().toString())
                .put("validationFraction", o.validationFraction());
        ArrayNode steps = root.putArray("steps");
        for (StepLoss l : s.steps()) {
            steps.addArray().add(l.step()).add(l.trainLoss()).add(l.learningRate()).add(l.gradNorm());
        }
        ArrayNode evaluations = root.putArray("evaluations");
        for (EvaluationReport e : s.evaluations()) {
            ArrayNode row = evaluations.addArray().add(e.step()).add(e.trainLoss());
            if (Float.isNaN(e.validationLoss())) {
                row.addNull();
            } else {
                row.add(e.validationLoss());
            }
        }
        try {
            Files.write(file, JSON.writeValueAsBytes(root));
        } catch (IOException e) {
            throw new TrainingException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    static TrainingState read(Path file) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new TrainingException("no training checkpoint state at " + file, e);
        } catch (IOException e) {
            throw new TrainingException("cannot read " + file + " as JSON: " + e.getMessage(), e);
        }
        Fields f = new Fields(file);
        if (root == null || !FORMAT.equals(root.path("format").asText()) || root.path("version").asInt() != VERSION) {
            throw new TrainingException(file + " is not a version " + VERSION + " " + FORMAT + " state file");
        }
        JsonNode c = f.object(root, "config");
        GptConfig config;
        try {
            config = new GptConfig(f.integer(c, "vocabSize"), f.integer(c, "contextLength"), f.integer(c, "dim"),
                    f.integer(c, "layers"), f.integer(c, "heads"), f.decimal(c, "layerNormEps"));
        } catch (ModelException e) {
            throw new TrainingException(file + ": " + e.getMessage(), e);
        }
        JsonNode o = f.object(root, "options");
        TrainingOptions options;
        try {
            options = new TrainingOptions(f.integer(o, "batch"), f.integer(o, "accumulation"),
                    f.decimal(o, "learningRate"), f.decimal(o, "minLearningRate"), f.whole(o, "warmupSteps"),
                    f.whole(o, "steps"), f.decimal(o, "weightDecay"), f.decimal(o, "beta1"), f.decimal(o, "beta2"),
                    f.decimal(o, "epsilon"), f.decimal(o, "gradClip"), f.whole(o, "seed"), f.whole(o, "evalEvery"),
                    f.integer(o, "evalBatches"), f.duration(o, "checkpointEvery"),
                    Double.parseDouble(f.number(o, "validationFraction").asText()));
        } catch (IllegalArgumentException e) {
            throw new TrainingException(file + ": " + e.getMessage(), e);
        }
        List<StepLoss> steps = new ArrayList<>();
        for (JsonNode row : f.rows(root, "steps", 4)) {
            steps.add(new StepLoss(f.whole(row, 0), f.decimal(row, 1), f.decimal(row, 2), f.decimal(row, 3)));
        }
        List<EvaluationReport> evaluations = new ArrayList<>();
        for (JsonNode row : f.rows(root, "evaluations", 3)) {
            float validation = row.get(2).isNull() ? Float.NaN : f.decimal(row, 2);
            evaluations.add(new EvaluationReport(f.whole(row, 0), f.decimal(row, 1), validation));
        }
        JsonNode corpus = f.object(root, "corpus");
        return new TrainingState(f.whole(root, "step"), options, config, f.whole(corpus, "tokens"),
                f.text(corpus, "sha256"), steps, evaluations, f.duration(root, "elapsed"));
    }

    /** Field readers whose every failure names the file and the field. */
    private record Fields(Path file) {
        JsonNode object(JsonNode parent, String key) {
            JsonNode v = parent.get(key);
            if (v == null || !v.isObject()) {
                throw missing(key, "an object");
            }
            return v;
        }

        JsonNode number(JsonNode parent, String key) {
            JsonNode v = parent.get(key);
            if (v == null || !v.isNumber()) {
                throw missing(key, "a number");
            }
            return v;
        }

        int integer(JsonNode parent, String key) {
            JsonNode v = number(parent, key);
            if (!v.isIntegralNumber() || !v.canConvertToInt()) {
                throw missing(key, "an integer");
            }
            return v.intValue();
        }

        long whole(JsonNode parent, String key) {
            JsonNode v = number(parent, key);
            if (!v.isIntegralNumber() || !v.canConvertToLong()) {
                throw missing(key, "an integer");
            }
            return v.longValue();
        }

        long whole(JsonNode row, int index) {
            JsonNode v = row.get(index);
            if (!v.isIntegralNumber() || !v.canConvertToLong()) {
                throw missing("row " + row, "integers in its first column");
            }
            return v.longValue();
        }

        /** A float from its decimal text, which is exactly the float written. */
        float decimal(JsonNode parent, String key) {
            return Float.parseFloat(number(parent, key).asText());
        }

        float decimal(JsonNode row, int index) {
            JsonNode v = row.get(index);
            if (!v.isNumber()) {
                throw missing("row " + row, "numbers");
            }
            return Float.parseFloat(v.asText());
        }

        String text(JsonNode parent, String key) {
            JsonNode v = parent.get(key);
            if (v == null || !v.isTextual()) {
                throw missing(key, "a string");
            }
            return v.asText();
        }

        Duration duration(JsonNode parent, String key) {
            String text = text(parent, key);
            try {
                return Duration.parse(text);
            } catch (DateTimeParseException e) {
                throw missing(key, "an ISO-8601 duration such as PT10M, not '" + text + "'");
            }
        }

        List<JsonNode> rows(JsonNode parent, String key, int columns) {
            JsonNode v = parent.get(key);
            if (v == null || !v.isArray()) {
                throw missing(key, "an array");
            }
            List<JsonNode> rows = new ArrayList<>();
            for (JsonNode row : v) {
                if (!row.isArray() || row.size() != columns) {
                    throw missing(key, "rows of " + columns + " numbers, not " + row);
                }
                rows.add(row);
            }
            return rows;
        }

        private TrainingException missing(String key, String what) {
            return new TrainingException(file + ": '" + key + "' must be " + what);
        }
    }
}
