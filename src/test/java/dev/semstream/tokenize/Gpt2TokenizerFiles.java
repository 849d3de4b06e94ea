package dev.semstream.tokenize;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * GPT-2's {@code vocab.json} and {@code merges.txt}, derived from the {@code r50k_base} ranks that jtokkit
 * ships (one {@code base64(token bytes) rank} per line; r50k_base is GPT-2's encoding). For GPT-2, a token's
 * rank is its id and, above the 256 single bytes, the order in which BPE training created it, so merge
 * {@code r - 256} is the pair that builds token r: found by running BPE on the token's bytes with only the
 * tokens ranked below r, which must stop at exactly two parts.
 *
 * <p>{@code main(dir)} writes both files into dir (default {@code model/gpt2-tokenizer}):
 * {@code bench/run-main dev.semstream.tokenize.Gpt2TokenizerFiles}.
 */
public final class Gpt2TokenizerFiles {
    static final String R50K_RESOURCE = "/com/knuddels/jtokkit/r50k_base.tiktoken";
    static final int END_OF_TEXT_ID = 50256;

    private Gpt2TokenizerFiles() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "model/gpt2-tokenizer");
        Files.createDirectories(dir);
        Files.write(dir.resolve("vocab.json"), vocabJson());
        Files.write(dir.resolve("merges.txt"), mergesTxt());
        System.out.println("wrote " + dir.resolve("vocab.json") + " and " + dir.resolve("merges.txt"));
    }

    /** Token bytes by rank, from jtokkit's resource. */
    static byte[][] ranks() {
        List<byte[]> tokens = new ArrayList<>();
        try (InputStream in = Gpt2TokenizerFiles.class.getResourceAsStream(R50K_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(R50K_RESOURCE + " is not on the classpath (jtokkit test dependency)");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isBlank()) {
                    continue;
                }
                String[] parts = line.split(" ");
                int rank = Integer.parseInt(parts[1]);
                if (rank != tokens.size()) {
                    throw new IllegalStateException("r50k_base ranks are not 0, 1, 2, ...: got " + rank);
                }
                tokens.add(Base64.getDecoder().decode(parts[0]));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return tokens.toArray(new byte[0][]);
    }

    /** {@code {"token": id}} in id order, {@code <|endoftext|>} last, as {@link ByteLevelBpeFiles} writes it. */
    static byte[] vocabJson() {
        byte[][] ranks = ranks();
        if (ranks.length != END_OF_TEXT_ID) {
            throw new IllegalStateException("r50k_base has " + ranks.length + " ranks, expected " + END_OF_TEXT_ID);
        }
        return ByteLevelBpeFiles.vocabJson(List.of(ranks));
    }

    /** One merge per token above the 256 bytes, in rank order, as {@link ByteLevelBpeFiles} writes them. */
    static byte[] mergesTxt() {
        byte[][] ranks = ranks();
        Map<String, Integer> rankOf = new HashMap<>();
        for (int id = 0; id < ranks.length; id++) {
            rankOf.put(latin1(ranks[id]), id);
        }
        List<byte[]> lefts = new ArrayList<>();
        List<byte[]> rights = new ArrayList<>();
        for (int r = 256; r < ranks.length; r++) {
            List<String> parts = splitBelow(ranks[r], r, rankOf);
            if (parts.size() != 2) {
                throw new IllegalStateException("token " + r + " does not split into two lower-ranked tokens: " + parts);
            }
            lefts.add(parts.get(0).getBytes(StandardCharsets.ISO_8859_1));
            rights.add(parts.get(1).getBytes(StandardCharsets.ISO_8859_1));
        }
        return ByteLevelBpeFiles.mergesTxt(lefts, rights);
    }

    /** BPE of the bytes using only tokens ranked below {@code limit}: lowest-ranked merge first. */
    private static List<String> splitBelow(byte[] bytes, int limit, Map<String, Integer> rankOf) {
        List<String> parts = new ArrayList<>();
        for (byte b : bytes) {
            parts.add(latin1(new byte[]{b}));
        }
        while (true) {
            int best = -1;
            int bestRank = limit;
            for (int i = 0; i + 1 < parts.size(); i++) {
                Integer rank = rankOf.get(parts.get(i) + parts.get(i + 1));
                if (rank != null && rank < bestRank) {
                    bestRank = rank;
                    best = i;
                }
            }
            if (best < 0) {
                return parts;
            }
            parts.set(best, parts.get(best) + parts.remove(best + 1));
        }
    }

    /** Bytes as a String of chars 0..255, a lossless map key. */
    private static String latin1(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
