package dev.semstream.model.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.semstream.model.BertConfig;
import dev.semstream.model.ModelException;

import java.nio.file.Path;
import java.util.Set;

/**
 * Reads and writes a Hugging Face {@code config.json} for a BERT encoder. The size keys are required (HF
 * always writes them; guessing them would load weights into the wrong shape); {@code type_vocab_size} and
 * {@code layer_norm_eps} default to BERT's 2 and 1e-12 like HF's BertConfig. Settings that change the
 * computation in ways the engine does not implement are refused rather than ignored.
 */
public final class HfBertConfigJson {
    /** Exact erf GELU under both of HF's names; gelu_new/gelu_fast/gelu_pytorch_tanh are tanh approximations. */
    private static final Set<String> EXACT_GELU = Set.of("gelu", "gelu_python");
    /**
     * Model types that share BERT's tensor names but not its arithmetic: RoBERTa-style models number positions
     * from padding_idx + 1, so BERT's 0-based positions would read the wrong rows without any shape error.
     */
    private static final Set<String> INCOMPATIBLE_TYPES = Set.of("roberta", "xlm-roberta", "camembert");

    private HfBertConfigJson() {
    }

    /** Parses config.json; anything missing, malformed or unsupported is a {@link ModelException} naming the file. */
    public static BertConfig read(Path file) {
        JsonNode root = ConfigJsonFile.read(file);
        String modelType = root.path("model_type").asText("");
        if (INCOMPATIBLE_TYPES.contains(modelType)) {
            throw new ModelException(file + ": model_type '" + modelType + "' is not supported: it numbers positions"
                    + " differently from BERT; only BERT-style encoders (model_type 'bert') load");
        }
        String act = root.path("hidden_act").asText("gelu");
        if (!EXACT_GELU.contains(act)) {
            throw new ModelException(file + ": hidden_act '" + act + "' is not supported; the engine implements"
                    + " the exact erf GELU ('gelu' / 'gelu_python')");
        }
        String positions = root.path("position_embedding_type").asText("absolute");
        if (!positions.equals("absolute")) {
            throw new ModelException(file + ": position_embedding_type '" + positions
                    + "' is not supported; only 'absolute' position embeddings are");
        }
        int vocab = ConfigJsonFile.requiredInt(root, "vocab_size", file);
        int hidden = ConfigJsonFile.requiredInt(root, "hidden_size", file);
        int layers = ConfigJsonFile.requiredInt(root, "num_hidden_layers", file);
        int heads = ConfigJsonFile.requiredInt(root, "num_attention_heads", file);
        int intermediate = ConfigJsonFile.requiredInt(root, "intermediate_size", file);
        int maxPositions = ConfigJsonFile.requiredInt(root, "max_position_embeddings", file);
        int typeVocab = ConfigJsonFile.optionalInt(root, "type_vocab_size", 2, file);
        float eps = ConfigJsonFile.optionalFloat(root, "layer_norm_eps", 1e-12f, file);
        return ConfigJsonFile.validated(file,
                () -> new BertConfig(vocab, hidden, layers, heads, intermediate, maxPositions, typeVocab, eps));
    }

    /** Writes a minimal config.json that {@link #read} and Hugging Face transformers both accept. */
    public static void write(Path file, BertConfig c) {
        ObjectNode root = ConfigJsonFile.newConfig("BertModel", "bert");
        root.put("vocab_size", c.vocabSize());
        root.put("hidden_size", c.hiddenSize());
        root.put("num_hidden_layers", c.numLayers());
        root.put("num_attention_heads", c.numHeads());
        root.put("intermediate_size", c.intermediateSize());
        root.put("max_position_embeddings", c.maxPositions());
        root.put("type_vocab_size", c.typeVocabSize());
        ConfigJsonFile.putFloat(root, "layer_norm_eps", c.layerNormEps());
        root.put("hidden_act", "gelu");
        root.put("position_embedding_type", "absolute");
        ConfigJsonFile.write(file, root);
    }
}
