package dev.semstream.model.load;

import dev.semstream.model.GptConfig;
import dev.semstream.model.GptWeights;
import dev.semstream.model.ModelException;
import dev.semstream.tokenize.ByteLevelBpeTokenizer;
import dev.semstream.tokenize.TokenizerException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A Hugging Face GPT-2 checkpoint directory, any size from gpt2 to gpt2-xl: {@code config.json},
 * {@code model.safetensors} (F32, F16 or BF16, memory-mapped), {@code vocab.json} and {@code merges.txt}.
 *
 * <p>Tensor names may carry the {@code transformer.} prefix of GPT2LMHeadModel or not (GPT2Model). The
 * causal-mask buffers {@code h.N.attn.bias} / {@code h.N.attn.masked_bias} that older checkpoints saved are
 * constants, not weights, and are skipped; so is {@code lm_head.weight}, which GPT-2 ties to {@code wte} (it
 * must then have wte's shape). Any other tensor the decoder does not use, a missing one or a wrong shape
 * is an error that names it.
 */
public final class HfGpt2Checkpoint {
    public static final String CONFIG_FILE = "config.json";
    public static final String WEIGHTS_FILE = "model.safetensors";
    public static final String VOCAB_FILE = "vocab.json";
    public static final String MERGES_FILE = "merges.txt";
    private static final Pattern MASK_BUFFER = Pattern.compile("h\\.\\d+\\.attn\\.(bias|masked_bias)");

    private HfGpt2Checkpoint() {
    }

    /** Loads the directory, naming the model after it. */
    public static LoadedGpt load(Path dir) {
        Path fileName = dir.toAbsolutePath().normalize().getFileName();
        return load(dir, fileName == null ? dir.toString() : fileName.toString());
    }

    /** Loads the directory under the given name. */
    public static LoadedGpt load(Path dir, String name) {
        if (!Files.isDirectory(dir)) {
            throw new ModelException("GPT-2 checkpoint directory not found: " + dir);
        }
        GptConfig config = HfGpt2ConfigJson.read(dir.resolve(CONFIG_FILE));
        Path weightsFile = dir.resolve(WEIGHTS_FILE);
        if (!Files.exists(weightsFile)) {
            String hint = Files.exists(dir.resolve("pytorch_model.bin"))
                    ? " (pytorch_model.bin is not supported: convert it to safetensors)" : "";
            throw new ModelException(WEIGHTS_FILE + " not found in " + dir + hint);
        }
        GptWeights weights;
        try (SafetensorsReader reader = SafetensorsReader.open(weightsFile)) {
            weights = readWeights(reader, config);
        }
        ByteLevelBpeTokenizer tokenizer;
        try {
            tokenizer = ByteLevelBpeTokenizer.read(dir.resolve(VOCAB_FILE), dir.resolve(MERGES_FILE));
        } catch (TokenizerException e) {
            throw new ModelException("tokenizer of " + dir + ": " + e.getMessage(), e);
        }
        if (tokenizer.vocabSize() > config.vocabSize()) {
            throw new ModelException(dir + ": the tokenizer has " + tokenizer.vocabSize() + " ids but the model only "
                    + config.vocabSize() + " embeddings");
        }
        return new LoadedGpt(name, ModelIds.gpt2(name, config, weights), config, weights, tokenizer);
    }

    /** Reads every decoder tensor, checking names and shapes against the config from the header first. */
    static GptWeights readWeights(SafetensorsReader reader, GptConfig config) {
        Path file = reader.file();
        Map<String, ModelParameter<GptWeights>> expected = new LinkedHashMap<>();
        for (ModelParameter<GptWeights> p : GptParameters.of(config)) {
            expected.put(p.name(), p);
        }
        Map<String, SafetensorsTensorInfo> found = new LinkedHashMap<>();
        List<String> unknown = new ArrayList<>();
        for (SafetensorsTensorInfo info : reader.tensors().values()) {
            String name = info.name().startsWith("transformer.") ? info.name().substring("transformer.".length())
                    : info.name();
            if (MASK_BUFFER.matcher(name).matches()) {
                continue;
            }
            if (name.equals("lm_head.weight")) {
                long[] tied = {config.vocabSize(), config.dim()};
                if (!Arrays.equals(info.shape(), tied)) {
                    throw new ModelException("tensor " + info + " in " + file + " is not tied to wte " + Arrays.toString(tied)
                            + "; an untied output head is not supported");
                }
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
        for (ModelParameter<GptWeights> p : expected.values()) {
            if (!found.containsKey(p.name())) {
                missing.add(p.name() + Arrays.toString(p.torchShape()));
            }
        }
        if (!missing.isEmpty() || !unknown.isEmpty()) {
            throw new ModelException(file + " does not match " + describe(config)
                    + (missing.isEmpty() ? "" : "; missing tensors: " + missing)
                    + (unknown.isEmpty() ? "" : "; tensors the decoder does not use: " + unknown));
        }
        for (Map.Entry<String, SafetensorsTensorInfo> e : found.entrySet()) {
            long[] want = expected.get(e.getKey()).torchShape();
            if (!Arrays.equals(e.getValue().shape(), want)) {
                throw new ModelException("tensor " + e.getValue().name() + " in " + file + " has shape "
                        + Arrays.toString(e.getValue().shape()) + ", expected " + Arrays.toString(want) + " for "
                        + describe(config));
            }
        }
        Map<String, float[]> values = new HashMap<>();
        found.forEach((name, info) -> values.put(name, reader.floats(info.name())));
        return GptParameters.assemble(config, values);
    }

    /**
     * Writes a checkpoint directory (created if needed) that this class and Hugging Face transformers both load.
     *
     * @param dtype        F32 for an exact copy; F16 or BF16 halve the file and round the weights
     * @param prefix       put before every tensor name: "" as GPT2Model saves, or "transformer." as GPT2LMHeadModel
     * @param tokenizerDir a directory holding the vocab.json and merges.txt to copy in
     */
    public static void write(Path dir, GptConfig config, GptWeights weights, SafetensorsDtype dtype, String prefix,
                             Path tokenizerDir) {
        weights.validate(config);
        try {
            Files.createDirectories(dir);
            HfGpt2ConfigJson.write(dir.resolve(CONFIG_FILE), config);
            SafetensorsWriter writer = new SafetensorsWriter().metadata("format", "pt");
            for (ModelParameter<GptWeights> p : GptParameters.of(config)) {
                writer.add(prefix + p.name(), dtype, p.torchShape(), p.torchValues(weights));
            }
            writer.write(dir.resolve(WEIGHTS_FILE));
            for (String f : List.of(VOCAB_FILE, MERGES_FILE)) {
                if (!tokenizerDir.toAbsolutePath().equals(dir.toAbsolutePath())) {
                    Files.copy(tokenizerDir.resolve(f), dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new ModelException("cannot write checkpoint to " + dir + ": " + e.getMessage(), e);
        }
    }

    static String describe(GptConfig c) {
        return "GPT-2 with " + c.layers() + " layers, n_embd " + c.dim() + ", " + c.heads() + " heads, vocab "
                + c.vocabSize() + ", " + c.contextLength() + " positions";
    }
}
