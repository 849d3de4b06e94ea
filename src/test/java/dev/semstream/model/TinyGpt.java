package dev.semstream.model;

import dev.semstream.tokenize.ByteLevelBpeTokenizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Small random GPT-2 weights for tests that must not depend on a downloaded model. */
public final class TinyGpt {
    private TinyGpt() {
    }

    /** headSize 12 is deliberately not a multiple of any vector width; vocab 61 ends in a partial panel. */
    public static GptConfig config() {
        return new GptConfig(61, 40, 48, 2, 4, 1e-5f);
    }

    /** A few English merges over the 256 byte tokens; "<|endoftext|>" is the last id. */
    private static final String[] MERGES = {"Ġ t", "h e", "Ġt he", "i n", "a n", "e r", "Ġ a", "o n", "Ġ s", "r e"};

    /** A config sized for {@link #writeTokenizer}'s vocabulary: 256 bytes + merges + end-of-text. */
    public static GptConfig configWithTokenizer() {
        return new GptConfig(256 + MERGES.length + 1, 64, 32, 2, 4, 1e-5f);
    }

    /** Writes vocab.json and merges.txt of a tiny byte-level BPE into dir. */
    public static void writeTokenizer(Path dir) {
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (int b = 0; b < 256; b++) {
            vocab.put(byteChar(b), b);
        }
        StringBuilder merges = new StringBuilder("#version: 0.2\n");
        for (String m : MERGES) {
            vocab.put(m.replace(" ", ""), vocab.size());
            merges.append(m).append('\n');
        }
        vocab.put(ByteLevelBpeTokenizer.END_OF_TEXT, vocab.size());
        try {
            Files.createDirectories(dir);
            Files.write(dir.resolve("vocab.json"), new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsBytes(vocab));
            Files.write(dir.resolve("merges.txt"), merges.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** GPT-2's byte-to-unicode character for byte b (printable Latin-1 as itself, the rest from U+0100 on). */
    private static String byteChar(int b) {
        boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
        if (printable) {
            return String.valueOf((char) b);
        }
        int shifted = 0;
        for (int i = 0; i < b; i++) {
            if (!((i >= '!' && i <= '~') || (i >= 0xA1 && i <= 0xAC) || (i >= 0xAE && i <= 0xFF))) {
                shifted++;
            }
        }
        return String.valueOf((char) (0x100 + shifted));
    }

    public static GptWeights weights(GptConfig c, long seed) {
        Random rnd = new Random(seed);
        int d = c.dim();
        List<GptWeights.Layer> layers = new ArrayList<>();
        for (int i = 0; i < c.layers(); i++) {
            layers.add(new GptWeights.Layer(TinyBert.norm(rnd, d), TinyBert.linear(rnd, d, 3 * d),
                    TinyBert.linear(rnd, d, d), TinyBert.norm(rnd, d), TinyBert.linear(rnd, d, c.mlpDim()),
                    TinyBert.linear(rnd, c.mlpDim(), d)));
        }
        return new GptWeights(TinyBert.values(rnd, c.vocabSize() * d, 1f), TinyBert.values(rnd, c.contextLength() * d, 0.5f),
                layers, TinyBert.norm(rnd, d));
    }
}
