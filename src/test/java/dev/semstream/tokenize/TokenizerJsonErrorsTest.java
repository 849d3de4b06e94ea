package dev.semstream.tokenize;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every way a tokenizer.json can be unusable fails loudly, naming the file and what is wrong. */
class TokenizerJsonErrorsTest {

    @Test
    void notJson() {
        assertFails("{ not json", "tiny-tokenizer.json is not valid JSON");
    }

    @Test
    void notAnObject() {
        assertFails("[1, 2]", "is not a JSON object");
    }

    @Test
    void missingModel() {
        assertFailsAfter(root -> root.remove("model"), "has no \"model\"");
    }

    @Test
    void modelThatIsNotWordPiece() {
        assertFailsAfter(root -> model(root).put("type", "BPE"), "model type \"BPE\" is not supported");
    }

    @Test
    void modelWithoutVocab() {
        assertFailsAfter(root -> model(root).remove("vocab"), "model.vocab is missing");
    }

    @Test
    void vocabIdThatIsNotAnInteger() {
        assertFailsAfter(root -> ((ObjectNode) model(root).get("vocab")).put("un", "four"),
                "model.vocab[\"un\"] is not a non-negative integer id");
    }

    @Test
    void unknownTokenMissingFromVocab() {
        assertFailsAfter(root -> model(root).put("unk_token", "<unk>"), "unk_token \"<unk>\" is not in model.vocab");
    }

    @Test
    void unsupportedNormalizer() {
        assertFailsAfter(root -> ((ObjectNode) root.get("normalizer")).put("type", "NFKC"),
                "normalizer type \"NFKC\" is not supported");
    }

    @Test
    void normalizerFlagThatIsNotABoolean() {
        assertFailsAfter(root -> ((ObjectNode) root.get("normalizer")).put("lowercase", "yes"),
                "normalizer.lowercase is not a boolean");
    }

    @Test
    void unsupportedPreTokenizer() {
        assertFailsAfter(root -> ((ObjectNode) root.get("pre_tokenizer")).put("type", "Whitespace"),
                "pre_tokenizer type \"Whitespace\" is not supported");
    }

    @Test
    void missingPreTokenizer() {
        assertFailsAfter(root -> root.putNull("pre_tokenizer"), "has no \"pre_tokenizer\"");
    }

    @Test
    void unsupportedPostProcessor() {
        assertFailsAfter(root -> ((ObjectNode) root.get("post_processor")).put("type", "RobertaProcessing"),
                "post_processor type \"RobertaProcessing\" is not supported");
    }

    @Test
    void templateNamingAnUndefinedSpecialToken() {
        assertFailsAfter(root -> ((ObjectNode) root.get("post_processor").get("special_tokens")).remove("[SEP]"),
                "names special token \"[SEP]\"");
    }

    @Test
    void addedTokenWithoutId() {
        assertFailsAfter(root -> ((ObjectNode) root.get("added_tokens").get(1)).remove("id"),
                "added_tokens[1].id is missing");
    }

    @Test
    void missingClasspathResource() {
        TokenizerException e = assertThrows(TokenizerException.class,
                () -> WordPieceTokenizer.fromResource("no-such-tokenizer.json"));
        assertTrue(e.getMessage().contains("no-such-tokenizer.json"), e.getMessage());
    }

    @Test
    void missingFile(@TempDir Path dir) {
        assertThrows(NoSuchFileException.class, () -> WordPieceTokenizer.fromJson(dir.resolve("absent.json")));
    }

    private static ObjectNode model(ObjectNode root) {
        return (ObjectNode) root.get("model");
    }

    private static void assertFailsAfter(Consumer<ObjectNode> breakIt, String expectedMessagePart) {
        ObjectNode root = TinyTokenizerJson.tree();
        breakIt.accept(root);
        assertFails(root, expectedMessagePart);
    }

    private static void assertFails(Object json, String expectedMessagePart) {
        TokenizerException e = assertThrows(TokenizerException.class, () -> TinyTokenizerJson.load(json));
        assertTrue(e.getMessage().contains(expectedMessagePart),
                "message \"" + e.getMessage() + "\" should contain \"" + expectedMessagePart + "\"");
        assertTrue(e.getMessage().startsWith("tiny-tokenizer.json"), "message should name the source: " + e.getMessage());
    }
}
