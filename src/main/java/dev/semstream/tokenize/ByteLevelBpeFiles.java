package dev.semstream.tokenize;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes GPT-2's two tokenizer files as GPT-2 and Hugging Face spell them: {@code vocab.json} in id order with
 * non-ASCII escaped, {@code merges.txt} with its {@code #version: 0.2} header, tokens in the
 * {@link ByteLevelAlphabet}. What {@link ByteLevelBpeTokenizer#read} reads back.
 */
public final class ByteLevelBpeFiles {
    private static final ObjectMapper JSON =
            new ObjectMapper(JsonFactory.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build());
    private static final byte[][] BASE_TOKENS = baseTokensInGpt2Order();

    private ByteLevelBpeFiles() {
    }

    /**
     * The 256 single-byte tokens in GPT-2's id order (ids 0..255): ordered by the alphabet character that
     * spells them, so '!' is id 0 and the bytes moved up to U+0100 (controls, space) come last.
     */
    public static byte[][] baseTokens() {
        byte[][] copy = new byte[256][];
        for (int i = 0; i < 256; i++) {
            copy[i] = BASE_TOKENS[i].clone();
        }
        return copy;
    }

    /** {@code {"token": id}} for tokens 0..n-1 by id, then {@code <|endoftext|>} as id n. */
    public static byte[] vocabJson(List<byte[]> tokensById) {
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (byte[] token : tokensById) {
            if (vocab.putIfAbsent(ByteLevelAlphabet.encode(token), vocab.size()) != null) {
                throw new IllegalArgumentException("token " + ByteLevelAlphabet.encode(token) + " is listed twice");
            }
        }
        vocab.put(ByteLevelBpeTokenizer.END_OF_TEXT, vocab.size());
        try {
            return JSON.writeValueAsBytes(vocab);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code #version: 0.2}, then one {@code left right} line per merge, in rank order. */
    public static byte[] mergesTxt(List<byte[]> lefts, List<byte[]> rights) {
        if (lefts.size() != rights.size()) {
            throw new IllegalArgumentException(lefts.size() + " left tokens but " + rights.size() + " right tokens");
        }
        StringBuilder out = new StringBuilder("#version: 0.2\n");
        for (int r = 0; r < lefts.size(); r++) {
            out.append(ByteLevelAlphabet.encode(lefts.get(r))).append(' ')
                    .append(ByteLevelAlphabet.encode(rights.get(r))).append('\n');
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[][] baseTokensInGpt2Order() {
        Integer[] bytes = new Integer[256];
        Arrays.setAll(bytes, b -> b);
        Arrays.sort(bytes, Comparator.comparingInt(b -> ByteLevelAlphabet.charOf(b)));
        byte[][] tokens = new byte[256][];
        for (int i = 0; i < 256; i++) {
            tokens[i] = new byte[]{(byte) (int) bytes[i]};
        }
        return tokens;
    }
}
