package dev.semstream.model.load;

import dev.semstream.kernels.Kernels;
import dev.semstream.model.GptConfig;
import dev.semstream.model.GptModel;
import dev.semstream.model.GptWeights;
import dev.semstream.model.TextGenerator;
import dev.semstream.tokenize.ByteLevelBpeTokenizer;

/**
 * A GPT-2 decoder ready to run: its shape, its weights in the engine's layout, its tokenizer, and its id.
 * Arrays are shared, not copied: treat the weights as read-only.
 *
 * @param name      a human name, e.g. "gpt2" (the checkpoint directory's name by default)
 * @param modelId   {@link ModelIds#gpt2} of the weights: {@code name@} and 12 hex digits
 * @param config    the decoder's shape
 * @param weights   every weight, validated against the config
 * @param tokenizer GPT-2's byte-level BPE from the checkpoint's vocab.json and merges.txt
 */
public record LoadedGpt(String name, String modelId, GptConfig config, GptWeights weights,
                        ByteLevelBpeTokenizer tokenizer) {
    public LoadedGpt {
        weights.validate(config);
    }

    /** Packs the weights for the given kernels (a copy: the unpacked weights can then be dropped). */
    public GptModel model(Kernels kernels) {
        return new GptModel(config, weights, kernels);
    }

    /** A generator on the fastest kernels: what a completion service holds. */
    public TextGenerator generator() {
        return new TextGenerator(modelId, model(Kernels.best()), tokenizer);
    }
}
