package dev.semstream.tokenize;

import dev.semstream.model.ModelCard;
import dev.semstream.model.load.BundledModel;
import dev.semstream.reference.TextCorpus;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Our ids against Hugging Face's (through DJL) for the bundled bge and e5 tokenizer.json files, on the encoder
 * parity texts and the tokenizer parity strings, each bare and behind the card's query and passage prefixes
 * (the prefix is joined to the text before tokenizing, so it must tokenize the same way inside the text).
 */
class BundledTokenizerParityTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(value = BundledModel.class, names = {"BGE_SMALL_EN_V15", "E5_SMALL_V2"})
    void idsMatchHuggingFaceWithAndWithoutTheCardsPrefixes(BundledModel model) throws IOException {
        Path json = HuggingFaceReference.untruncatedCopy(model.tokenizerResource(), TokenizerJsonVariant.AS_SHIPPED, dir);
        WordPieceTokenizer ours = WordPieceTokenizer.fromJson(json);
        ModelCard card = model.card();
        List<String> texts = new ArrayList<>(TextCorpus.spread(20261129L, 1000, 230));
        texts.addAll(ParityCorpus.strings(1000, 20240501L));
        int checked = 0;
        List<String> mismatches = new ArrayList<>();
        try (HuggingFaceReference hf = HuggingFaceReference.open(json)) {
            for (String text : texts) {
                for (String prefix : List.of("", card.queryPrefix(), card.passagePrefix())) {
                    String input = prefix + text;
                    if (!Arrays.equals(hf.ids(input), ours.encode(input, Integer.MAX_VALUE).ids())) {
                        mismatches.add(input);
                    }
                    checked++;
                }
            }
        }
        System.out.printf("tokenizer parity %s: %d of %d inputs give identical ids%n",
                model.modelName(), checked - mismatches.size(), checked);
        assertEquals(List.of(), mismatches.subList(0, Math.min(5, mismatches.size())),
                mismatches.size() + " of " + checked + " inputs differ");
    }
}
