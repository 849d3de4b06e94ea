package dev.semstream.train;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The training text as one stream of token ids (documents joined with {@code <|endoftext|>} by whoever
 * tokenised them). A checkpoint records its {@link #fingerprint}, so a resume on other text, or the same text
 * under another tokenizer, is refused instead of silently continuing on different data.
 */
public final class TokenCorpus {
    private final int[] tokens;
    private final int maxTokenId;
    private final String fingerprint;

    /** Copies the ids; every one must be 0 or more. */
    public TokenCorpus(int[] tokens) {
        this.tokens = tokens.clone();
        int max = -1;
        for (int i = 0; i < this.tokens.length; i++) {
            int t = this.tokens[i];
            if (t < 0) {
                throw new IllegalArgumentException("token id " + t + " at position " + i + " is negative");
            }
            max = Math.max(max, t);
        }
        this.maxTokenId = max;
        this.fingerprint = sha256(this.tokens);
    }

    public int size() {
        return tokens.length;
    }

    /** The token at a position. */
    public int token(int index) {
        return tokens[index];
    }

    /** The largest id in the corpus (-1 when it is empty): the model's vocabulary must be larger. */
    public int maxTokenId() {
        return maxTokenId;
    }

    /** SHA-256 of the ids as little-endian 32-bit integers, in hex. */
    public String fingerprint() {
        return fingerprint;
    }

    /**
     * Lays the corpus out into training and validation windows of {@code sequenceLength + 1} tokens (inputs and
     * their next tokens); see {@link CorpusSplit}.
     */
    public CorpusSplit split(int sequenceLength, double validationFraction) {
        return new CorpusSplit(tokens, sequenceLength, validationFraction);
    }

    private static String sha256(int[] tokens) {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
        ByteBuffer chunk = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        for (int off = 0; off < tokens.length; off += chunk.capacity() / Integer.BYTES) {
            int n = Math.min(chunk.capacity() / Integer.BYTES, tokens.length - off);
            chunk.clear();
            chunk.asIntBuffer().put(tokens, off, n);
            digest.update(chunk.array(), 0, n * Integer.BYTES);
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
