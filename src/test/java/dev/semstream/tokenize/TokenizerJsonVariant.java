package dev.semstream.tokenize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.function.Consumer;

/**
 * Edits of the shipped all-MiniLM-L6-v2 tokenizer.json, so parity covers every flag the reader
 * honours and not only the one combination that checkpoint happens to use.
 */
enum TokenizerJsonVariant {
    /** The file as shipped: clean text, CJK padding, strip accents unset (so on), lowercase. */
    AS_SHIPPED(root -> {
    }),
    /** strip_accents false with lowercase on: no NFD, and U+0130 lowercases to "i" + U+0307. */
    KEEP_ACCENTS(root -> normalizer(root).put("strip_accents", false)),
    /** lowercase false with strip_accents unset: HF then strips nothing either. */
    CASED(root -> normalizer(root).put("lowercase", false)),
    /** Controls, private use and CJK reach the model untouched; still lowercased and stripped. */
    NO_CLEANING(root -> normalizer(root).put("clean_text", false).put("handle_chinese_chars", false)),
    /** No normalizer at all. */
    NO_NORMALIZER(root -> root.putNull("normalizer")),
    /** Added tokens with every matching flag: lstrip/rstrip, single_word, normalized. */
    ADDED_TOKEN_FLAGS(root -> {
        for (JsonNode token : (ArrayNode) root.get("added_tokens")) {
            ObjectNode t = (ObjectNode) token;
            switch (t.get("content").asText()) {
                case "[MASK]" -> t.put("lstrip", true).put("rstrip", true);
                case "[SEP]" -> t.put("single_word", true);
                case "[PAD]" -> t.put("normalized", true);
                default -> {
                }
            }
        }
    }),
    /** The older BertProcessing post-processor instead of TemplateProcessing. */
    BERT_PROCESSING(root -> {
        ObjectNode processor = JsonNodeFactory.instance.objectNode().put("type", "BertProcessing");
        processor.putArray("sep").add("[SEP]").add(102);
        processor.putArray("cls").add("[CLS]").add(101);
        root.set("post_processor", processor);
    });

    private final Consumer<ObjectNode> edit;

    TokenizerJsonVariant(Consumer<ObjectNode> edit) {
        this.edit = edit;
    }

    void applyTo(ObjectNode root) {
        edit.accept(root);
    }

    private static ObjectNode normalizer(ObjectNode root) {
        return (ObjectNode) root.get("normalizer");
    }
}
