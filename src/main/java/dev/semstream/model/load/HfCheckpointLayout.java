package dev.semstream.model.load;

import dev.semstream.model.ModelException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * One architecture's Hugging Face checkpoint directory, and the loading and writing every such directory
 * shares: {@code config.json} read by the architecture's parser, {@code model.safetensors} memory-mapped, each
 * stored tensor's name mapped onto the architecture's parameter list, every name and shape checked from the
 * header before any data is read, then the weights assembled. BERT and GPT-2 differ only in the functions
 * below, not in the steps, so each loader states its own in one declaration ({@link HfBertCheckpoint},
 * {@link HfGpt2Checkpoint}) and the tokenizer files, which do differ, stay with the loader.
 *
 * @param architecture for messages, e.g. "BERT"
 * @param role         what runs the weights, for messages: "encoder" or "decoder"
 * @param readConfig   parses config.json
 * @param writeConfig  writes a config.json that readConfig and Hugging Face both accept
 * @param parameters   every tensor a config calls for
 * @param naming       which parameter a stored tensor is
 * @param assemble     the weights from every parameter's values (in the engine's layout), keyed by name
 * @param describe     a config in a few words, for messages
 * @param <C>          the config
 * @param <W>          the weights
 */
record HfCheckpointLayout<C, W>(String architecture, String role, Function<Path, C> readConfig,
                                BiConsumer<Path, C> writeConfig, Function<C, List<ModelParameter<W>>> parameters,
                                TensorNaming<C> naming, BiFunction<C, Map<String, float[]>, W> assemble,
                                Function<C, String> describe) {
    static final String CONFIG_FILE = "config.json";
    static final String WEIGHTS_FILE = "model.safetensors";

    /** Maps a stored tensor's name onto the parameter list. */
    @FunctionalInterface
    interface TensorNaming<C> {
        /**
         * The parameter's name, or null for a tensor skipped on purpose (a task head, a constant buffer); a
         * tensor that may only be skipped under conditions fails here, naming {@code file}.
         */
        String parameterName(SafetensorsTensorInfo tensor, C config, Path file);
    }

    /** What the rest of a checkpoint directory holds, written after the config and weights. */
    @FunctionalInterface
    interface OtherFiles {
        void writeInto(Path dir) throws IOException;
    }

    /** A checkpoint's config and the weights it calls for. */
    record Checkpoint<C, W>(C config, W weights) {
    }

    /** What a model loaded from the directory is called unless it is given a name: the directory's. */
    static String defaultName(Path dir) {
        Path fileName = dir.toAbsolutePath().normalize().getFileName();
        return fileName == null ? dir.toString() : fileName.toString();
    }

    /** Reads config.json and model.safetensors; every failure is a {@link ModelException} naming the file. */
    Checkpoint<C, W> load(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new ModelException("Hugging Face " + architecture + " checkpoint directory not found: " + dir);
        }
        C config = readConfig.apply(dir.resolve(CONFIG_FILE));
        Path weightsFile = dir.resolve(WEIGHTS_FILE);
        if (!Files.exists(weightsFile)) {
            String hint = Files.exists(dir.resolve("pytorch_model.bin"))
                    ? " (pytorch_model.bin is not supported: convert it to safetensors)" : "";
            throw new ModelException(WEIGHTS_FILE + " not found in " + dir + hint);
        }
        try (SafetensorsReader reader = SafetensorsReader.open(weightsFile)) {
            return new Checkpoint<>(config, readWeights(reader, config));
        }
    }

    /**
     * Reads every parameter's tensor, checking names and shapes against the config from the header alone
     * before any data is touched.
     */
    private W readWeights(SafetensorsReader reader, C config) {
        Path file = reader.file();
        Map<String, ModelParameter<W>> expected = new LinkedHashMap<>();
        for (ModelParameter<W> p : parameters.apply(config)) {
            expected.put(p.name(), p);
        }
        Map<String, SafetensorsTensorInfo> found = new LinkedHashMap<>();
        List<String> unknown = new ArrayList<>();
        for (SafetensorsTensorInfo info : reader.tensors().values()) {
            String name = naming.parameterName(info, config, file);
            if (name == null) {
                continue;
            }
            if (!expected.containsKey(name)) {
                unknown.add(info.toString());
                continue;
            }
            SafetensorsTensorInfo previous = found.put(name, info);
            if (previous != null) {
                throw new ModelException(file + " has both " + previous.name() + " and " + info.name()
                        + ", which are the same tensor " + name);
            }
        }
        List<String> missing = new ArrayList<>();
        for (ModelParameter<W> p : expected.values()) {
            if (!found.containsKey(p.name())) {
                missing.add(p.name() + Arrays.toString(p.torchShape()));
            }
        }
        if (!missing.isEmpty() || !unknown.isEmpty()) {
            throw new ModelException(file + " does not match " + describe.apply(config)
                    + (missing.isEmpty() ? "" : "; missing tensors: " + missing)
                    + (unknown.isEmpty() ? "" : "; tensors the " + role + " does not use: " + unknown));
        }
        for (Map.Entry<String, SafetensorsTensorInfo> e : found.entrySet()) {
            ModelParameter<W> p = expected.get(e.getKey());
            long[] want = p.torchShape();
            if (!Arrays.equals(e.getValue().shape(), want)) {
                throw new ModelException("tensor " + e.getValue().name() + " in " + file + " has shape "
                        + Arrays.toString(e.getValue().shape()) + ", expected " + Arrays.toString(want)
                        + (p.torchTransposed() ? " ([out, in])" : "") + " for " + describe.apply(config));
            }
        }
        Map<String, float[]> values = new HashMap<>();
        found.forEach((name, info) -> values.put(name, expected.get(name).fromTorch(reader.floats(info.name()))));
        return assemble.apply(config, values);
    }

    /**
     * Writes a checkpoint directory (created if needed) that {@link #load} and Hugging Face transformers both
     * read: config.json, every parameter in PyTorch's layout, then {@code otherFiles}.
     *
     * @param dtype  F32 for an exact copy; F16 or BF16 halve the file and round the weights
     * @param prefix put before every tensor name, e.g. "" as a bare model saves or a task model's "bert."
     */
    void write(Path dir, C config, W weights, SafetensorsDtype dtype, String prefix, OtherFiles otherFiles) {
        try {
            Files.createDirectories(dir);
            writeConfig.accept(dir.resolve(CONFIG_FILE), config);
            SafetensorsWriter writer = new SafetensorsWriter().metadata("format", "pt");
            for (ModelParameter<W> p : parameters.apply(config)) {
                writer.add(prefix + p.name(), dtype, p.torchShape(), p.torchValues(weights));
            }
            writer.write(dir.resolve(WEIGHTS_FILE));
            otherFiles.writeInto(dir);
        } catch (IOException e) {
            throw new ModelException("cannot write checkpoint to " + dir + ": " + e.getMessage(), e);
        }
    }
}
