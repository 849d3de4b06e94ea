package dev.semstream.model;

/**
 * How an {@link Encoder} turns text into a vector.
 *
 * @param maxTokens longest input in tokens, special tokens included; longer texts are truncated and
 *                  flagged. Never more than the model's positions.
 * @param pooling   how token vectors become one vector
 * @param normalize scale every vector to unit length, so cosine similarity is a dot product
 * @param longTexts truncate texts over maxTokens, or embed them window by window and average
 */
public record EncoderOptions(int maxTokens, Pooling pooling, boolean normalize, LongTexts longTexts) {
    public static final int DEFAULT_MAX_TOKENS = 256;

    public EncoderOptions {
        if (maxTokens < 2) {
            throw new IllegalArgumentException("maxTokens must be at least 2 (room for [CLS] and [SEP]), got " + maxTokens);
        }
        if (pooling == null) {
            throw new IllegalArgumentException("pooling must be given");
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
