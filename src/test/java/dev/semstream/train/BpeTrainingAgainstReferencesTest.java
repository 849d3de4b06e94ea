package dev.semstream.train;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.semstream.tokenize.ByteLevelBpeTokenizer;
import dev.semstream.tokenize.Gpt2PreTokenizer;
import dev.semstream.tokenize.GptParityCorpus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The trainer against three references: the textbook trainer (same merges), its own segmentation of the
 * corpus (what the saved files make the tokenizer do to each word is what training did), and Hugging Face's
 * Rust BPE loading the saved vocab.json and merges.txt as a GPT-2 tokenizer (same ids).
 */
class BpeTrainingAgainstReferencesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void sameMergesAsTheTextbookTrainer(@TempDir Path dir) throws Exception {
        List<String> documents = new ArrayList<>(GptLikeText.documents(20, 300, 5));
        documents.addAll(GptParityCorpus.strings().subList(0, 200));
        BpeTrainer.train(documents, 700).write(dir);
        String expected = new String(NaiveBpeTrainer.mergesTxt(documents, 700), StandardCharsets.UTF_8);
        assertEquals(expected, Files.readString(dir.resolve("merges.txt"), StandardCharsets.UTF_8));
    }

    @Test
    void theSavedFilesEncodeEachWordAsTrainingSegmentedIt(@TempDir Path dir) {
        List<String> documents = new ArrayList<>(GptLikeText.documents(200, 500, 9));
        documents.addAll(GptParityCorpus.strings());
        int vocab = 4000;
        BpeTrainer.train(documents, vocab).write(dir);
        ByteLevelBpeTokenizer tokenizer = ByteLevelBpeTokenizer.read(dir);
        MergeLearner learner = MergeLearner.learn(PreTokenCounts.count(documents), vocab - 1);
        Map<String, int[]> segmentations = learner.segmentations();
        assertTrue(segmentations.size() > 3000, segmentations.size() + " distinct words");
        List<String> differing = new ArrayList<>();
        for (Map.Entry<String, int[]> e : segmentations.entrySet()) {
            if (!Arrays.equals(e.getValue(), tokenizer.encode(e.getKey()))) {
                differing.add(escape(e.getKey()) + ": training " + Arrays.toString(e.getValue()) + ", encode "
                        + Arrays.toString(tokenizer.encode(e.getKey())));
            }
        }
        assertEquals(List.of(), differing.subList(0, Math.min(10, differing.size())), differing.size() + " words differ");
        // And so a whole document is its pieces' segmentations, end to end.
        String document = documents.get(0);
        int[] joined = Gpt2PreTokenizer.split(document).stream().flatMapToInt(p -> Arrays.stream(segmentations.get(p)))
                .toArray();
        assertArrayEquals(joined, tokenizer.encode(document));
    }

    @Test
    void huggingFaceLoadsTheFilesAsGpt2BpeAndEncodesTheSameIds(@TempDir Path dir) throws Exception {
        List<String> documents = new ArrayList<>(GptLikeText.documents(120, 400, 13));
        documents.addAll(GptParityCorpus.strings().subList(0, 1000));
        BpeTrainer.train(documents, 3000).write(dir);
        ByteLevelBpeTokenizer ours = ByteLevelBpeTokenizer.read(dir);
        List<String> texts = new ArrayList<>(GptLikeText.documents(50, 200, 14));
        texts.addAll(GptParityCorpus.strings());
        List<String> differing = new ArrayList<>();
        int compared = 0;
        try (HuggingFaceTokenizer theirs = HuggingFaceTokenizer.newInstance(gpt2TokenizerJson(dir), Map.of(
                "addSpecialTokens", "false", "truncation", "false", "padding", "false"))) {
            for (String text : texts) {
                if (!TrainedBpeRoundTripTest.isValidUtf16(text)) {
                    continue;   // across JNI an unpaired surrogate becomes U+FFFD, in Java's UTF-8 '?'
                }
                compared++;
                int[] expected = Arrays.stream(theirs.encode(text, false, false).getIds()).mapToInt(Math::toIntExact)
                        .toArray();
                if (!Arrays.equals(expected, ours.encode(text))) {
                    differing.add(escape(text) + ": HF " + Arrays.toString(expected) + ", ours " + Arrays.toString(ours.encode(text)));
                }
            }
        }
        assertEquals(List.of(), differing.subList(0, Math.min(5, differing.size())),
                differing.size() + " of " + compared + " texts differ");
        assertTrue(compared > 2500, "only " + compared + " texts compared");
    }

    private static String escape(String s) {
        StringBuilder sb = new StringBuilder("\"");
        s.codePoints().limit(60).forEach(cp -> sb.append(cp < 0x20 || cp > 0x7E ? String.format("\\u%04X", cp)
                : String.valueOf((char) cp)));
        return sb.append(s.length() > 60 ? "...\"" : "\"").toString();
    }

    /**
     * GPT-2's tokenizer.json around our two files: the BPE model with our vocab and merges as they are,
     * GPT-2's byte-level pre-tokenizer (its regex, no prefix space), and no special tokens, since ours
     * encodes a literal {@code <|endoftext|>} as text.
     */
    static Path gpt2TokenizerJson(Path dir) throws Exception {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        root.putArray("added_tokens");
        root.putNull("normalizer");
        ObjectNode byteLevel = JSON.createObjectNode().put("type", "ByteLevel").put("add_prefix_space", false)
                .put("trim_offsets", true).put("use_regex", true);
        root.set("pre_tokenizer", byteLevel);
        root.putNull("post_processor");
        root.set("decoder", byteLevel.deepCopy());
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout");
        model.putNull("unk_token");
        model.put("continuing_subword_prefix", "");
        model.put("end_of_word_suffix", "");
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        model.set("vocab", JSON.readTree(dir.resolve("vocab.json").toFile()));
        ArrayNode merges = model.putArray("merges");
        List<String> lines = Files.readAllLines(dir.resolve("merges.txt"), StandardCharsets.UTF_8);
        lines.subList(1, lines.size()).forEach(merges::add);
        Path file = dir.resolve("tokenizer.json");
        JSON.writeValue(file.toFile(), root);
        return file;
    }
}
