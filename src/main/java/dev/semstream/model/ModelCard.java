package dev.semstream.model;

import java.util.Objects;

/**
 * What a model was trained to be used with, as its model card states it: the defaults an {@link Encoder} takes
 * when the user does not choose, and the prefixes it puts in front of texts, which the user never types.
 *
 * @param pooling       how token vectors become one vector (an explicit {@code --pooling} still wins)
 * @param normalize     whether the model's vectors are meant to be unit length ({@code --no-normalize} turns it off)
 * @param maxTokens     longest input the model was trained on, special tokens included (an explicit
 *                      {@code --max-tokens} still wins)
 * @param queryPrefix   put before a search query ({@link Encoder#embedQuery}); empty for none
 * @param passagePrefix put before a text that is stored and searched over ({@link Encoder#embed}); empty for none
 */
public record ModelCard(Pooling pooling, boolean normalize, int maxTokens, String queryPrefix, String passagePrefix) {
    /**
     * A model with no card of its own (a checkpoint directory) and all-MiniLM-L6-v2: mean pooling, unit
     * vectors, 256 tokens (MiniLM's training length), no prefixes.
     */
    public static final ModelCard PLAIN = new ModelCard(Pooling.MEAN, true, EncoderOptions.DEFAULT_MAX_TOKENS, "", "");

    public ModelCard {
        Objects.requireNonNull(pooling, "pooling");
        Objects.requireNonNull(queryPrefix, "queryPrefix");
        Objects.requireNonNull(passagePrefix, "passagePrefix");
        if (maxTokens < 2) {
            throw new IllegalArgumentException("maxTokens must be at least 2, got " + maxTokens);
        }
    }
}
