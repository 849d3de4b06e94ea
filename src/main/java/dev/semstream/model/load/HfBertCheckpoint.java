package dev.semstream.model.load;

import dev.semstream.model.BertConfig;
import dev.semstream.model.BertWeights;

import java.nio.file.Files;
import java.nio.file.Path;

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
 * Linear weights are stored [out, in], as PyTorch does, and transposed on the way in and out.
 */
public final class HfBertCheckpoint {
    public static final String CONFIG_FILE = HfCheckpointLayout.CONFIG_FILE;
    public static final String WEIGHTS_FILE = HfCheckpointLayout.WEIGHTS_FILE;
    public static final String TOKENIZER_FILE = "tokenizer.json";
    private static final HfCheckpointLayout<BertConfig, BertWeights> LAYOUT = new HfCheckpointLayout<>("BERT",
            "encoder", HfBertConfigJson::read, HfBertConfigJson::write, BertParameters::of,
            (tensor, config, file) -> canonicalName(tensor.name()), BertParameters::assemble, BertTensors::describe);

    private HfBertCheckpoint() {
    }

    /** Loads the directory, naming the encoder after it. */
    public static LoadedEncoder load(Path dir) {
        return load(dir, HfCheckpointLayout.defaultName(dir));
    }

    /** Loads the directory under the given name. */
    public static LoadedEncoder load(Path dir, String name) {
        HfCheckpointLayout.Checkpoint<BertConfig, BertWeights> checkpoint = LAYOUT.load(dir);
        byte[] tokenizer = ModelFiles.readAllBytes(dir.resolve(TOKENIZER_FILE), TOKENIZER_FILE);
        return new LoadedEncoder(name, checkpoint.config(), checkpoint.weights(), tokenizer);
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
     * transformers both load.
     *
     * @param dtype  F32 for an exact copy; F16 or BF16 halve the file and round the weights
     * @param prefix put before every tensor name: "" as BertModel saves, or "bert." as BertFor* models do
     */
    public static void write(Path dir, LoadedEncoder encoder, SafetensorsDtype dtype, String prefix) {
        LAYOUT.write(dir, encoder.config(), encoder.weights(), dtype, prefix,
                into -> Files.write(into.resolve(TOKENIZER_FILE), encoder.tokenizerJson()));
    }
}
