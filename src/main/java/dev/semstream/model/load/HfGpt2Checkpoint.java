package dev.semstream.model.load;

import dev.semstream.model.GptConfig;
import dev.semstream.model.GptWeights;
import dev.semstream.model.ModelException;
import dev.semstream.tokenize.ByteLevelBpeTokenizer;
import dev.semstream.tokenize.TokenizerException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
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
    public static final String CONFIG_FILE = HfCheckpointLayout.CONFIG_FILE;
    public static final String WEIGHTS_FILE = HfCheckpointLayout.WEIGHTS_FILE;
    public static final String VOCAB_FILE = "vocab.json";
    public static final String MERGES_FILE = "merges.txt";
    private static final String MODEL_PREFIX = "transformer.";
    private static final Pattern MASK_BUFFER = Pattern.compile("h\\.\\d+\\.attn\\.(bias|masked_bias)");
    /** For loading; a write names the tokenizer's end-of-text id in config.json, so it makes its own (see write). */
    private static final HfCheckpointLayout<GptConfig, GptWeights> LAYOUT = layout((file, c) -> {
        throw new UnsupportedOperationException("GPT-2 checkpoints are written by HfGpt2Checkpoint.write");
    });

    private HfGpt2Checkpoint() {
    }

    /** Loads the directory, naming the model after it. */
    public static LoadedGpt load(Path dir) {
        return load(dir, HfCheckpointLayout.defaultName(dir));
    }

    /** Loads the directory under the given name. */
    public static LoadedGpt load(Path dir, String name) {
        HfCheckpointLayout.Checkpoint<GptConfig, GptWeights> checkpoint = LAYOUT.load(dir);
        GptConfig config = checkpoint.config();
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
        return new LoadedGpt(name, ModelIds.gpt2(name, config, checkpoint.weights()), config, checkpoint.weights(),
                tokenizer);
    }

    /** The parameter a stored tensor is, or null for one skipped (see class doc). */
    private static String parameterName(SafetensorsTensorInfo tensor, GptConfig config, Path file) {
        String name = tensor.name().startsWith(MODEL_PREFIX) ? tensor.name().substring(MODEL_PREFIX.length())
                : tensor.name();
        if (MASK_BUFFER.matcher(name).matches()) {
            return null;
        }
        if (name.equals("lm_head.weight")) {
            long[] tied = {config.vocabSize(), config.dim()};
            if (!Arrays.equals(tensor.shape(), tied)) {
                throw new ModelException("tensor " + tensor + " in " + file + " is not tied to wte " + Arrays.toString(tied)
                        + "; an untied output head is not supported");
            }
            return null;
        }
        return name;
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
        // config.json's bos/eos ids are the tokenizer's <|endoftext|>: 50256 for GPT-2's, the last id of one
        // `train` made (Hugging Face's generate stops on it).
        int endOfText;
        try {
            endOfText = ByteLevelBpeTokenizer.read(tokenizerDir.resolve(VOCAB_FILE), tokenizerDir.resolve(MERGES_FILE))
                    .endOfTextId();
        } catch (TokenizerException e) {
            throw new ModelException("tokenizer of " + tokenizerDir + ": " + e.getMessage(), e);
        }
        layout((file, c) -> HfGpt2ConfigJson.write(file, c, endOfText)).write(dir, config, weights, dtype, prefix, into -> {
            if (!tokenizerDir.toAbsolutePath().equals(into.toAbsolutePath())) {
                for (String f : List.of(VOCAB_FILE, MERGES_FILE)) {
                    Files.copy(tokenizerDir.resolve(f), into.resolve(f), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        });
    }

    private static HfCheckpointLayout<GptConfig, GptWeights> layout(
            java.util.function.BiConsumer<Path, GptConfig> writeConfig) {
        return new HfCheckpointLayout<>("GPT-2", "decoder", HfGpt2ConfigJson::read, writeConfig, GptParameters::of,
                HfGpt2Checkpoint::parameterName, GptParameters::assemble, HfGpt2Checkpoint::describe);
    }

    static String describe(GptConfig c) {
        return "GPT-2 with " + c.layers() + " layers, n_embd " + c.dim() + ", " + c.heads() + " heads, vocab "
                + c.vocabSize() + ", " + c.contextLength() + " positions";
    }
}
