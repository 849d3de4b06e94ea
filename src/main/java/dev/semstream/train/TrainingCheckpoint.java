package dev.semstream.train;

import dev.semstream.model.GptConfig;
import dev.semstream.model.GptWeights;
import dev.semstream.model.ModelException;
import dev.semstream.model.load.GptParameters;
import dev.semstream.model.load.ModelParameter;
import dev.semstream.model.load.SafetensorsDtype;
import dev.semstream.model.load.SafetensorsReader;
import dev.semstream.model.load.SafetensorsWriter;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * A training checkpoint directory: {@code weights.safetensors}, {@code adam-m.safetensors},
 * {@code adam-v.safetensors} (F32, every tensor under its Hugging Face GPT-2 name and shape) and
 * {@code state.json} ({@link TrainingState}), replaced as a whole by {@link CheckpointDirectory}. state.json
 * is written last and marks a complete copy. A model of about 3.5M parameters keeps each file under 16 MB.
 */
final class TrainingCheckpoint {
    static final String WEIGHTS_FILE = "weights.safetensors";
    static final String FIRST_MOMENT_FILE = "adam-m.safetensors";
    static final String SECOND_MOMENT_FILE = "adam-v.safetensors";
    static final String STATE_FILE = "state.json";

    /** What a resume restores into a fresh model and optimizer. */
    record Contents(TrainingState state, Path dir) {
    }

    private TrainingCheckpoint() {
    }

    static void write(Path dir, TrainingState state, List<Parameter> parameters, AdamW adam) {
        List<ModelParameter<GptWeights>> layout = layout(state.config(), parameters);
        CheckpointDirectory.replace(dir, STATE_FILE, into -> {
            tensors(layout, p -> parameters.get(p).value()).write(into.resolve(WEIGHTS_FILE));
            tensors(layout, adam::firstMoment).write(into.resolve(FIRST_MOMENT_FILE));
            tensors(layout, adam::secondMoment).write(into.resolve(SECOND_MOMENT_FILE));
            TrainingStateJson.write(into.resolve(STATE_FILE), state);
        });
    }

    static boolean exists(Path dir) {
        return CheckpointDirectory.exists(dir, STATE_FILE);
    }

    /** Refuses a directory a checkpoint must not replace: one that holds files of something else. */
    static void checkReplaceable(Path dir) {
        CheckpointDirectory.checkReplaceable(dir, STATE_FILE);
    }

    /** The state of the checkpoint named {@code dir}, and where its complete copy is. */
    static Contents read(Path dir) {
        Path found = CheckpointDirectory.locate(dir, STATE_FILE);
        return new Contents(TrainingStateJson.read(found.resolve(STATE_FILE)), found);
    }

    /** Copies the checkpoint's weights into {@code parameters} and its moments into {@code adam}. */
    static void restore(Contents c, List<Parameter> parameters, AdamW adam) {
        List<ModelParameter<GptWeights>> layout = layout(c.state().config(), parameters);
        List<float[]> weights = read(c.dir().resolve(WEIGHTS_FILE), layout);
        for (int p = 0; p < weights.size(); p++) {
            System.arraycopy(weights.get(p), 0, parameters.get(p).value(), 0, weights.get(p).length);
        }
        adam.restore(c.state().step(), read(c.dir().resolve(FIRST_MOMENT_FILE), layout),
                read(c.dir().resolve(SECOND_MOMENT_FILE), layout));
    }

    /** GptParameters' list, checked against the model's: the same names, in the same order, of the same sizes. */
    private static List<ModelParameter<GptWeights>> layout(GptConfig config, List<Parameter> parameters) {
        List<ModelParameter<GptWeights>> layout = GptParameters.of(config);
        if (layout.size() != parameters.size()) {
            throw new IllegalStateException("the model has " + parameters.size() + " tensors, its config calls for "
                    + layout.size());
        }
        for (int p = 0; p < layout.size(); p++) {
            ModelParameter<GptWeights> want = layout.get(p);
            Parameter have = parameters.get(p);
            if (!want.name().equals(have.name()) || count(want) != have.value().length) {
                throw new IllegalStateException("the model's tensor " + p + " is " + have.name() + " of "
                        + have.value().length + " values, its config calls for " + want);
            }
        }
        return layout;
    }

    private static SafetensorsWriter tensors(List<ModelParameter<GptWeights>> layout, IntFunction<float[]> values) {
        SafetensorsWriter writer = new SafetensorsWriter().metadata("format", "pt");
        for (int p = 0; p < layout.size(); p++) {
            writer.add(layout.get(p).name(), SafetensorsDtype.F32, layout.get(p).torchShape(), values.apply(p));
        }
        return writer;
    }

    private static List<float[]> read(Path file, List<ModelParameter<GptWeights>> layout) {
        List<float[]> out = new ArrayList<>(layout.size());
        try (SafetensorsReader reader = SafetensorsReader.open(file)) {
            for (ModelParameter<GptWeights> p : layout) {
                float[] v = reader.floats(p.name());
                if (v.length != count(p)) {
                    throw new TrainingException(file + ": tensor " + p.name() + " has " + v.length
                            + " values, but the checkpoint's config calls for " + p);
                }
                out.add(v);
            }
        } catch (ModelException e) {
            throw new TrainingException("cannot resume from " + file + ": " + e.getMessage(), e);
        }
        return out;
    }

    private static long count(ModelParameter<GptWeights> p) {
        long n = 1;
        for (int d : p.shape()) {
            n *= d;
        }
        return n;
    }
}
