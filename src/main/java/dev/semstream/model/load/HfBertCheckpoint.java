package dev.semstream.model.load;

import dev.semstream.model.BertConfig;
import dev.semstream.model.BertWeights;
import dev.semstream.model.ModelException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Hugging Face checkpoint directory: {@code config.json}, {@code model.safetensors} and
 * {@code tokenizer.json}, as {@code save_pretrained} writes them (and as sentence-transformers repositories
 * carry them at the top level).
 *
 * <p>Tensor names may carry the {@code bert.} prefix of BertFor* task models or not (BertModel). The
 * task heads {@code pooler.*} and {@code cls.*} are not part of the encoder and are skipped, as is the
 * {@code embeddings.position_ids} buffer (just 0..maxPositions-1; the engine numbers positions itself).
 * Old TF-converted checkpoints name layer-norm parameters {@code gamma}/{@code beta}; those are read as
 * {@code weight}/{@code bias}, as transformers does. Any other tensor the encoder does not use is an error.
 */
public final class HfBertCheckpoint {
    public static final String CONFIG_FILE = "config.json";
    public static final String WEIGHTS_FILE = "model.safetensors";
    public static final String TOKENIZER_FILE = "tokenizer.json";

    private HfBertCheckpoint() {
    }

    /** Loads the directory, naming the encoder after it. */
    public static LoadedEncoder load(Path dir) {
        Path fileName = dir.toAbsolutePath().normalize().getFileName();
        return load(dir, fileName == null ? dir.toString() : fileName.toString());
    }

    /** Loads the directory under the given name. */
    public static LoadedEncoder load(Path dir, String name) {
        if (!Files.isDirectory(dir)) {
            throw new ModelException("Hugging Face checkpoint directory not found: " + dir);
        }
        BertConfig config = HfBertConfigJson.read(dir.resolve(CONFIG_FILE));
        Path weightsFile = dir.resolve(WEIGHTS_FILE);
        if (!Files.exists(weightsFile)) {
            String hint = Files.exists(dir.resolve("pytorch_model.bin"))
                    ? " (pytorch_model.bin is not supported: convert it to safetensors)" : "";
            throw new ModelException(WEIGHTS_FILE + " not found in " + dir + hint);
        }
        BertWeights weights;
        try (SafetensorsReader reader = SafetensorsReader.open(weightsFile)) {
            weights = readWeights(reader, config);
        }
        byte[] tokenizer = readTokenizer(dir.resolve(TOKENIZER_FILE));
        return new LoadedEncoder(name, config, weights, tokenizer);
    }

    /**
     * Reads every encoder tensor, checking names and shapes against the config from the header alone
     * before any data is touched, then transposing Linear weights from [out, in] to [in, out].
     */
    static BertWeights readWeights(SafetensorsReader reader, BertConfig config) {
        Path file = reader.file();
        Map<String, ModelParameter<BertWeights>> expected = new LinkedHashMap<>();
        for (ModelParameter<BertWeights> p : BertParameters.of(config)) {
            expected.put(p.name(), p);
        }
        Map<String, SafetensorsTensorInfo> byCanonical = new LinkedHashMap<>();
        List<String> unknown = new ArrayList<>();
        for (SafetensorsTensorInfo info : reader.tensors().values()) {
            String canonical = canonicalName(info.name());
            if (canonical == null) {
                continue;
            }
            if (!expected.containsKey(canonical)) {
                unknown.add(info.toString());
                continue;
            }
            SafetensorsTensorInfo previous = byCanonical.put(canonical, info);
            if (previous != null) {
                throw new ModelException(file + " has both " + previous.name() + " and " + info.name()
                        + ", which are the same tensor " + canonical);
            }
        }
        List<String> missing = new ArrayList<>();
        for (ModelParameter<BertWeights> p : expected.values()) {
            if (!byCanonical.containsKey(p.name())) {
                missing.add(p.name() + Arrays.toString(p.torchShape()));
            }
        }
        if (!missing.isEmpty() || !unknown.isEmpty()) {
            throw new ModelException(file + " does not match " + BertTensors.describe(config)
                    + (missing.isEmpty() ? "" : "; missing tensors: " + missing)
                    + (unknown.isEmpty() ? "" : "; tensors the encoder does not use: " + unknown));
        }
        BertTensors tensors = new BertTensors(file.toString());
        for (Map.Entry<String, SafetensorsTensorInfo> e : byCanonical.entrySet()) {
            ModelParameter<BertWeights> p = expected.get(e.getKey());
            SafetensorsTensorInfo info = e.getValue();
            long[] want = p.torchShape();
            if (!Arrays.equals(info.shape(), want)) {
                throw new ModelException("tensor " + info.name() + " in " + file + " has shape "
                        + Arrays.toString(info.shape()) + ", expected " + Arrays.toString(want)
                        + (p.torchTransposed() ? " ([out, in])" : "") + " for " + BertTensors.describe(config));
            }
            float[] values = p.fromTorch(reader.floats(info.name()));
            tensors.put(p.name(), info.name(), Arrays.stream(p.shape()).asLongStream().toArray(), values);
        }
        return tensors.toWeights(config);
    }

    /** The canonical name, or null for tensors that are deliberately skipped (see class doc). */
    static String canonicalName(String tensorName) {
        String name = BertNames.stripModelPrefix(tensorName);
        if (name.startsWith("pooler.") || name.startsWith("cls.") || name.equals("embeddings.position_ids")) {
            return null;
        }
        if (name.endsWith("LayerNorm.gamma")) {
            return name.substring(0, name.length() - "gamma".length()) + "weight";
        }
        if (name.endsWith("LayerNorm.beta")) {
            return name.substring(0, name.length() - "beta".length()) + "bias";
        }
        return name;
    }

    /**
     * Writes the encoder as a checkpoint directory (created if needed) that this class and Hugging Face
     * transformers both load: Linear weights transposed back to PyTorch's [out, in].
     *
     * @param dtype  F32 for an exact copy; F16 or BF16 halve the file and round the weights
     * @param prefix put before every tensor name: "" as BertModel saves, or "bert." as BertFor* models do
     */
    public static void write(Path dir, LoadedEncoder encoder, SafetensorsDtype dtype, String prefix) {
        try {
            Files.createDirectories(dir);
            HfBertConfigJson.write(dir.resolve(CONFIG_FILE), encoder.config());
            SafetensorsWriter writer = new SafetensorsWriter().metadata("format", "pt");
            for (ModelParameter<BertWeights> p : BertParameters.of(encoder.config())) {
                writer.add(prefix + p.name(), dtype, p.torchShape(), p.torchValues(encoder.weights()));
            }
            writer.write(dir.resolve(WEIGHTS_FILE));
            Files.write(dir.resolve(TOKENIZER_FILE), encoder.tokenizerJson());
        } catch (IOException e) {
            throw new ModelException("cannot write checkpoint to " + dir + ": " + e.getMessage(), e);
        }
    }

    private static byte[] readTokenizer(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ModelException(TOKENIZER_FILE + " not found: " + file, e);
        } catch (IOException e) {
            throw new ModelException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
