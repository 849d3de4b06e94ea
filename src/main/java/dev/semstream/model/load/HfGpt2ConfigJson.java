package dev.semstream.model.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.semstream.model.GptConfig;
import dev.semstream.model.ModelException;

import java.nio.file.Path;
import java.util.Set;

/**
 * Reads and writes a Hugging Face GPT-2 {@code config.json}. The size keys are required; settings that change
 * the arithmetic in ways the engine does not implement (another activation, a different MLP width, attention
 * scaled per layer) are refused rather than ignored, since they would load without a shape error and then
 * compute something else.
 */
public final class HfGpt2ConfigJson {
    /** HF's names for GELU's tanh form; gelu_fast is the same expression factored differently. */
    private static final Set<String> TANH_GELU = Set.of("gelu_new", "gelu_pytorch_tanh", "gelu_fast");

    private HfGpt2ConfigJson() {
    }

    /** Parses config.json; anything missing, malformed or unsupported is a {@link ModelException} naming the file. */
    public static GptConfig read(Path file) {
        JsonNode root = ConfigJsonFile.read(file);
        String modelType = root.path("model_type").asText("gpt2");
        if (!modelType.equals("gpt2")) {
            throw new ModelException(file + ": model_type '" + modelType + "' is not supported; the decoder loads"
                    + " GPT-2 checkpoints (model_type 'gpt2')");
        }
        String act = root.path("activation_function").asText("gelu_new");
        if (!TANH_GELU.contains(act)) {
            throw new ModelException(file + ": activation_function '" + act + "' is not supported; the decoder"
                    + " implements GPT-2's tanh GELU ('gelu_new')");
        }
        if (!root.path("scale_attn_weights").asBoolean(true)) {
            throw new ModelException(file + ": scale_attn_weights false is not supported");
        }
        if (root.path("scale_attn_by_inverse_layer_idx").asBoolean(false)) {
            throw new ModelException(file + ": scale_attn_by_inverse_layer_idx true is not supported");
        }
        int dim = ConfigJsonFile.requiredInt(root, "n_embd", file);
        JsonNode inner = root.get("n_inner");
        if (inner != null && !inner.isNull() && (!inner.canConvertToInt() || inner.intValue() != 4 * dim)) {
            throw new ModelException(file + ": n_inner " + inner + " is not supported; the MLP must be 4 x n_embd = "
                    + 4 * dim + " wide");
        }
        int layers = ConfigJsonFile.requiredInt(root, "n_layer", file);
        int heads = ConfigJsonFile.requiredInt(root, "n_head", file);
        int positions = ConfigJsonFile.requiredInt(root, "n_positions", file);
        int vocab = ConfigJsonFile.requiredInt(root, "vocab_size", file);
        float eps = ConfigJsonFile.optionalFloat(root, "layer_norm_epsilon", 1e-5f, file);
        return ConfigJsonFile.validated(file, () -> new GptConfig(vocab, positions, dim, layers, heads, eps));
    }

    /**
     * Writes a minimal config.json that {@link #read} and Hugging Face transformers both accept; {@code endOfText}
     * is the tokenizer's {@code <|endoftext|>} id, GPT-2's bos and eos.
     */
    public static void write(Path file, GptConfig c, int endOfText) {
        ObjectNode root = ConfigJsonFile.newConfig("GPT2LMHeadModel", "gpt2");
        root.put("vocab_size", c.vocabSize());
        root.put("n_positions", c.contextLength());
        root.put("n_ctx", c.contextLength());
        root.put("n_embd", c.dim());
        root.put("n_layer", c.layers());
        root.put("n_head", c.heads());
        root.putNull("n_inner");
        root.put("activation_function", "gelu_new");
        ConfigJsonFile.putFloat(root, "layer_norm_epsilon", c.layerNormEps());
        root.put("bos_token_id", endOfText);
        root.put("eos_token_id", endOfText);
        ConfigJsonFile.write(file, root);
    }
}
