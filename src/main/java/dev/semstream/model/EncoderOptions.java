package dev.semstream.model;

/**
 * How an {@link Encoder} turns text into a vector. Options left to the model ({@link #FROM_CARD} tokens, null
 * pooling) take its {@link ModelCard}'s value when an encoder is made with them.
 *
 * @param maxTokens longest input in tokens, special tokens included; longer texts are truncated and
 *                  flagged. Never more than the model's positions. {@link #FROM_CARD}: the card's.
 * @param pooling   how token vectors become one vector; null: the card's
 * @param normalize scale every vector to unit length, so cosine similarity is a dot product
 * @param longTexts truncate texts over maxTokens, or embed them window by window and average
 */
public record EncoderOptions(int maxTokens, Pooling pooling, boolean normalize, LongTexts longTexts) {
    public static final int DEFAULT_MAX_TOKENS = 256;
    /** {@link #maxTokens} that leaves the length to the model's card. */
    public static final int FROM_CARD = 0;

    public EncoderOptions {
        if (maxTokens < 2 && maxTokens != FROM_CARD) {
            throw new IllegalArgumentException("maxTokens must be at least 2 (room for [CLS] and [SEP]), got " + maxTokens);
        }
        if (longTexts == null) {
            throw new IllegalArgumentException("longTexts must be given");
        }
    }

    public EncoderOptions(int maxTokens, Pooling pooling, boolean normalize) {
        this(maxTokens, pooling, normalize, LongTexts.TRUNCATE);
    }

    /** Mean pooling, L2-normalised, 256 tokens: what all-MiniLM-L6-v2 was trained for. */
    public static EncoderOptions defaults() {
        return new EncoderOptions(DEFAULT_MAX_TOKENS, Pooling.MEAN, true);
    }

    /** Every choice left to the model's card: its pooling and length, unit vectors, long texts truncated. */
    public static EncoderOptions fromCard() {
        return new EncoderOptions(FROM_CARD, null, true, LongTexts.TRUNCATE);
    }

    /**
     * These options with what they leave open taken from the card. A card that does not normalise is not
     * normalised either way: only turning normalisation off is the user's choice.
     */
    public EncoderOptions completedBy(ModelCard card) {
        return new EncoderOptions(maxTokens == FROM_CARD ? card.maxTokens() : maxTokens,
                pooling == null ? card.pooling() : pooling, normalize && card.normalize(), longTexts);
    }

    public EncoderOptions withMaxTokens(int max) {
        return new EncoderOptions(max, pooling, normalize, longTexts);
    }

    public EncoderOptions withPooling(Pooling p) {
        return new EncoderOptions(maxTokens, p, normalize, longTexts);
    }

    public EncoderOptions withNormalize(boolean n) {
        return new EncoderOptions(maxTokens, pooling, n, longTexts);
    }

    public EncoderOptions withLongTexts(LongTexts mode) {
        return new EncoderOptions(maxTokens, pooling, normalize, mode);
    }
}
