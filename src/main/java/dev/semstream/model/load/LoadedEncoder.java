package dev.semstream.model.load;

import dev.semstream.model.BertConfig;
import dev.semstream.model.BertWeights;
import dev.semstream.model.ModelCard;

import java.util.Objects;

/**
 * A BERT encoder ready to run: its shape, its weights in the engine's layout, and the Hugging Face
 * {@code tokenizer.json} that turns text into its token ids. Arrays are shared, not copied: treat the
 * weights and the tokenizer bytes as read-only. (Being a record over arrays, equality is by identity;
 * compare {@link #modelId()} to ask whether two encoders are the same model.)
 *
 * @param name          a human name, e.g. "all-MiniLM-L6-v2"
 * @param config        the encoder's shape
 * @param weights       every weight, validated against the config
 * @param tokenizerJson the raw bytes of tokenizer.json (UTF-8 JSON)
 * @param card          how the model is meant to be used (pooling, length, prefixes)
 */
public record LoadedEncoder(String name, BertConfig config, BertWeights weights, byte[] tokenizerJson,
                            ModelCard card) {
    public LoadedEncoder {
        weights.validate(config);
        Objects.requireNonNull(card, "card");
    }

    /** A model with no card of its own: {@link ModelCard#PLAIN}. */
    public LoadedEncoder(String name, BertConfig config, BertWeights weights, byte[] tokenizerJson) {
        this(name, config, weights, tokenizerJson, ModelCard.PLAIN);
    }

    /** {@link ModelIds#bert} of this encoder: the name plus a digest of config and weights. Hashes every weight. */
    public String modelId() {
        return ModelIds.bert(name, config, weights);
    }
}
