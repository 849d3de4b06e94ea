package dev.semstream.tokenize;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a Hugging Face {@code tokenizer.json} into a {@link WordPieceTokenizer}, refusing anything
 * it would not reproduce exactly: a model other than WordPiece, a normalizer other than
 * BertNormalizer, a pre-tokenizer other than BertPreTokenizer, a post-processor other than
 * TemplateProcessing or BertProcessing. The file's truncation and padding sections are ignored on
 * purpose: the caller picks maxTokens per call, and the encoder does not want padding.
 */
final class TokenizerJsonReader {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String source;

    private TokenizerJsonReader(String source) {
        this.source = source;
    }

    /**
     * @param source names the file in error messages
     * @throws IOException        if the stream cannot be read
     * @throws TokenizerException if the content is not a supported WordPiece tokenizer
     */
    static WordPieceTokenizer read(InputStream in, String source) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(in);
        } catch (JsonProcessingException e) {
            throw new TokenizerException(source + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
        return new TokenizerJsonReader(source).tokenizer(root);
    }

    private WordPieceTokenizer tokenizer(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw fail("is not a JSON object");
        }
        JsonNode model = root.get("model");
        if (model == null || model.isNull()) {
            throw fail("has no \"model\"");
        }
        String modelType = text(model, "type", "model");
        if (!"WordPiece".equals(modelType)) {
            throw fail("model type \"" + modelType + "\" is not supported; only WordPiece is");
        }
        Map<String, Integer> vocab = vocab(model);
        String unkToken = optionalText(model, "unk_token", "[UNK]", "model");
        Integer unkId = vocab.get(unkToken);
        if (unkId == null) {
            throw fail("model.unk_token \"" + unkToken + "\" is not in model.vocab");
        }
        String prefix = optionalText(model, "continuing_subword_prefix", "##", "model");
        int maxChars = optionalInt(model, "max_input_chars_per_word", 100, "model");
        if (maxChars < 0) {
            throw fail("model.max_input_chars_per_word must not be negative, got " + maxChars);
        }
        WordPieceModel wordPiece = new WordPieceModel(CharTrie.of(vocab), prefix, unkId, maxChars);

        BertNormalizer normalizer = normalizer(root.get("normalizer"));
        requireBertPreTokenizer(root.get("pre_tokenizer"));
        List<AddedToken> addedTokens = addedTokens(root.get("added_tokens"));
        SpecialTokensTemplate template = template(root.get("post_processor"));

        return new WordPieceTokenizer(vocab, addedTokens, normalizer, wordPiece, template);
    }

    private Map<String, Integer> vocab(JsonNode model) {
        JsonNode vocab = model.get("vocab");
        if (vocab == null || !vocab.isObject()) {
            throw fail("model.vocab is missing or not an object of token -> id");
        }
        Map<String, Integer> result = new HashMap<>(vocab.size() * 2);
        for (Map.Entry<String, JsonNode> field : vocab.properties()) {
            JsonNode id = field.getValue();
            if (!id.canConvertToInt() || !id.isIntegralNumber() || id.intValue() < 0) {
                throw fail("model.vocab[\"" + field.getKey() + "\"] is not a non-negative integer id: " + id);
            }
            result.put(field.getKey(), id.intValue());
        }
        if (result.isEmpty()) {
            throw fail("model.vocab is empty");
        }
        return result;
    }

    private BertNormalizer normalizer(JsonNode node) {
        if (node == null || node.isNull()) {
            return BertNormalizer.IDENTITY;
        }
        String type = text(node, "type", "normalizer");
        if (!"BertNormalizer".equals(type)) {
            throw fail("normalizer type \"" + type + "\" is not supported; only BertNormalizer (or null) is");
        }
        JsonNode strip = node.get("strip_accents");
        Boolean stripAccents = strip == null || strip.isNull() ? null : bool(node, "strip_accents", false, "normalizer");
        return new BertNormalizer(
                bool(node, "clean_text", true, "normalizer"),
                bool(node, "handle_chinese_chars", true, "normalizer"),
                stripAccents,
                bool(node, "lowercase", true, "normalizer"));
    }

    private void requireBertPreTokenizer(JsonNode node) {
        if (node == null || node.isNull()) {
            throw fail("has no \"pre_tokenizer\"; only BertPreTokenizer is supported");
        }
        String type = text(node, "type", "pre_tokenizer");
        if (!"BertPreTokenizer".equals(type)) {
            throw fail("pre_tokenizer type \"" + type + "\" is not supported; only BertPreTokenizer is");
        }
    }

    private List<AddedToken> addedTokens(JsonNode node) {
        List<AddedToken> result = new ArrayList<>();
        if (node == null || node.isNull()) {
            return result;
        }
        if (!node.isArray()) {
            throw fail("added_tokens is not an array");
        }
        for (int i = 0; i < node.size(); i++) {
            JsonNode token = node.get(i);
            String where = "added_tokens[" + i + "]";
            if (!token.isObject()) {
                throw fail(where + " is not an object");
            }
            // Defaults are HF's AddedToken::default().
            result.add(new AddedToken(
                    requiredInt(token, "id", where),
                    text(token, "content", where),
                    bool(token, "single_word", false, where),
                    bool(token, "lstrip", false, where),
                    bool(token, "rstrip", false, where),
                    bool(token, "normalized", true, where),
                    bool(token, "special", false, where)));
        }
        return result;
    }

    private SpecialTokensTemplate template(JsonNode node) {
        if (node == null || node.isNull()) {
            return SpecialTokensTemplate.NONE;
        }
        String type = text(node, "type", "post_processor");
        switch (type) {
            case "TemplateProcessing":
                return templateProcessing(node);
            case "BertProcessing":
                return new SpecialTokensTemplate(
                        new int[] {tokenIdPair(node, "cls")}, new int[] {tokenIdPair(node, "sep")});
            default:
                throw fail("post_processor type \"" + type
                        + "\" is not supported; only TemplateProcessing, BertProcessing (or null) are");
        }
    }

    /** Reads the "single" template: special tokens before and after exactly one Sequence item. */
    private SpecialTokensTemplate templateProcessing(JsonNode node) {
        JsonNode single = node.get("single");
        if (single == null || !single.isArray()) {
            throw fail("post_processor.single is missing or not an array");
        }
        JsonNode specialTokens = node.get("special_tokens");
        IntList before = new IntList(2);
        IntList after = new IntList(2);
        int sequences = 0;
        for (int i = 0; i < single.size(); i++) {
            JsonNode item = single.get(i);
            String where = "post_processor.single[" + i + "]";
            if (item.has("Sequence")) {
                sequences++;
            } else if (item.has("SpecialToken")) {
                String name = text(item.get("SpecialToken"), "id", where + ".SpecialToken");
                JsonNode special = specialTokens == null ? null : specialTokens.get(name);
                JsonNode ids = special == null ? null : special.get("ids");
                if (ids == null || !ids.isArray()) {
                    throw fail(where + " names special token \"" + name
                            + "\", which post_processor.special_tokens does not define with \"ids\"");
                }
                for (JsonNode id : ids) {
                    if (!id.isIntegralNumber() || !id.canConvertToInt() || id.intValue() < 0) {
                        throw fail("post_processor.special_tokens[\"" + name + "\"].ids holds a bad id: " + id);
                    }
                    (sequences == 0 ? before : after).add(id.intValue());
                }
            } else {
                throw fail(where + " is neither a Sequence nor a SpecialToken: " + item);
            }
        }
        if (sequences != 1) {
            throw fail("post_processor.single must contain exactly one Sequence, found " + sequences);
        }
        return new SpecialTokensTemplate(toArray(before), toArray(after));
    }

    /** BertProcessing stores {@code "cls": ["[CLS]", 101]}. */
    private int tokenIdPair(JsonNode node, String field) {
        JsonNode pair = node.get(field);
        if (pair == null || !pair.isArray() || pair.size() != 2 || !pair.get(1).canConvertToInt()) {
            throw fail("post_processor." + field + " is not a [token, id] pair");
        }
        return pair.get(1).intValue();
    }

    private static int[] toArray(IntList list) {
        int[] result = new int[list.size()];
        list.copyTo(result.length, result, 0);
        return result;
    }

    private String text(JsonNode node, String field, String where) {
        JsonNode value = node == null ? null : node.get(field);
        if (value == null || !value.isTextual()) {
            throw fail(where + " has no string \"" + field + "\"");
        }
        return value.textValue();
    }

    private String optionalText(JsonNode node, String field, String fallback, String where) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isTextual()) {
            throw fail(where + "." + field + " is not a string: " + value);
        }
        return value.textValue();
    }

    private int requiredInt(JsonNode node, String field, String where) {
        JsonNode value = node.get(field);
        if (value == null || !value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < 0) {
            throw fail(where + "." + field + " is missing or not a non-negative integer");
        }
        return value.intValue();
    }

    private int optionalInt(JsonNode node, String field, int fallback, String where) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw fail(where + "." + field + " is not an integer: " + value);
        }
        return value.intValue();
    }

    private boolean bool(JsonNode node, String field, boolean fallback, String where) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isBoolean()) {
            throw fail(where + "." + field + " is not a boolean: " + value);
        }
        return value.booleanValue();
    }

    private TokenizerException fail(String problem) {
        return new TokenizerException(source + ": " + problem);
    }
}
