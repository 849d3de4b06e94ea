package dev.semstream.tokenize;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tokenizer reading the repository's {@code model/gpt2-tokenizer} files against jtokkit's r50k_base
 * (GPT-2's encoding, tiktoken's algorithm), and those files against what {@link Gpt2TokenizerFiles} derives.
 */
class ByteLevelBpeParityTest {
    private static final Path DIR = Path.of("model/gpt2-tokenizer");
    private static ByteLevelBpeTokenizer tokenizer;
    private static Encoding reference;

    @BeforeAll
    static void load() {
        tokenizer = ByteLevelBpeTokenizer.read(DIR);
        reference = Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.R50K_BASE);
    }

    @Test
    void repositoryFilesAreTheOnesDerivedFromR50kBase() throws Exception {
        assertArrayEquals(Gpt2TokenizerFiles.vocabJson(), Files.readAllBytes(DIR.resolve("vocab.json")),
                "model/gpt2-tokenizer/vocab.json is stale: run bench/run-main dev.semstream.tokenize.Gpt2TokenizerFiles");
        assertArrayEquals(Gpt2TokenizerFiles.mergesTxt(), Files.readAllBytes(DIR.resolve("merges.txt")),
                "model/gpt2-tokenizer/merges.txt is stale: run bench/run-main dev.semstream.tokenize.Gpt2TokenizerFiles");
    }

    @Test
    void baseTokensAreGpt2sFirst256Ids() {
        byte[][] ranks = Gpt2TokenizerFiles.ranks();
        byte[][] base = ByteLevelBpeFiles.baseTokens();
        for (int id = 0; id < 256; id++) {
            assertArrayEquals(ranks[id], base[id], "id " + id);
        }
    }

    @Test
    void sameIdsAsJtokkitAndExactBytesBack() {
        List<String> corpus = GptParityCorpus.strings();
        assertTrue(corpus.size() >= 2000, "corpus has " + corpus.size() + " strings");
        List<String> mismatches = new ArrayList<>();
        long tokens = 0;
        for (String s : corpus) {
            int[] ours = tokenizer.encode(s);
            int[] theirs = reference.encodeOrdinary(s).toArray();
            tokens += ours.length;
            if (!Arrays.equals(ours, theirs)) {
                mismatches.add(escape(s) + ": ours " + Arrays.toString(ours) + " jtokkit " + Arrays.toString(theirs));
            }
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            assertArrayEquals(utf8, tokenizer.decodeBytes(ours), () -> "bytes of " + escape(s));
        }
        assertEquals(List.of(), mismatches.subList(0, Math.min(10, mismatches.size())),
                mismatches.size() + " of " + corpus.size() + " strings differ");
        assertTrue(tokens > 50_000, "only " + tokens + " tokens in the corpus");
    }

    @Test
    void knownGpt2Ids() {
        assertArrayEquals(new int[]{15496, 995}, tokenizer.encode("Hello world"));
        assertArrayEquals(new int[]{262}, tokenizer.encode(" the"));
        assertEquals(50256, tokenizer.endOfTextId());
        assertEquals(50257, tokenizer.vocabSize());
        assertEquals("<|endoftext|>", tokenizer.decode(new int[]{50256}));
        // The literal special token in text is ordinary text, never id 50256.
        int[] literal = tokenizer.encode("<|endoftext|>");
        assertTrue(literal.length > 1 && Arrays.stream(literal).noneMatch(id -> id == 50256), Arrays.toString(literal));
    }

    private static String escape(String s) {
        StringBuilder sb = new StringBuilder();
        s.codePoints().limit(80).forEach(cp -> sb.append(cp < 0x20 || cp > 0x7E ? String.format("\\u%04X", cp)
                : String.valueOf((char) cp)));
        return "\"" + sb + (s.length() > 80 ? "..." : "") + "\"";
    }
}
