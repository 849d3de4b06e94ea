package dev.semstream.tokenize;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * A hand-written BERT tokenizer.json with a dozen-odd vocabulary entries, so WordPiece can be
 * tested against expectations worked out by hand instead of against another implementation.
 * max_input_chars_per_word is 9 (just fits "unaffable") to make the length rule easy to hit.
 */
final class TinyTokenizerJson {
    static final String JSON = """
            {
              "version": "1.0",
              "truncation": null,
              "padding": null,
              "added_tokens": [
                {"id": 0, "content": "[PAD]", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true},
                {"id": 1, "content": "[UNK]", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true},
                {"id": 2, "content": "[CLS]", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true},
                {"id": 3, "content": "[SEP]", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true}
              ],
              "normalizer": {"type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": true,
                             "strip_accents": null, "lowercase": true},
              "pre_tokenizer": {"type": "BertPreTokenizer"},
              "post_processor": {
                "type": "TemplateProcessing",
                "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                           {"SpecialToken": {"id": "[SEP]", "type_id": 0}}],
                "pair": [],
                "special_tokens": {"[CLS]": {"id": "[CLS]", "ids": [2], "tokens": ["[CLS]"]},
                                   "[SEP]": {"id": "[SEP]", "ids": [3], "tokens": ["[SEP]"]}}
              },
              "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": true},
              "model": {
                "type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                "max_input_chars_per_word": 9,
                "vocab": {
                  "[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3,
                  "un": 4, "##aff": 5, "##able": 6, "aff": 7, "he": 8, "hell": 9, "##o": 10, "##l": 11,
                  ",": 12, "!": 13, "a": 14, "##a": 15, "cafe": 16, "中": 17, "文": 18,
                  "\\uD835\\uDC00": 19, "##\\uD835\\uDC00": 20
                }
              }
            }
            """;

    private TinyTokenizerJson() {
    }

    static WordPieceTokenizer tokenizer() {
        return load(tree());
    }

    /** The JSON as a tree, for tests that break one field. */
    static ObjectNode tree() {
        try {
            return (ObjectNode) new ObjectMapper().readTree(JSON);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static WordPieceTokenizer load(Object json) {
        try {
            byte[] bytes = json instanceof String s
                    ? s.getBytes(StandardCharsets.UTF_8)
                    : new ObjectMapper().writeValueAsBytes(json);
            return WordPieceTokenizer.fromJson(new ByteArrayInputStream(bytes), "tiny-tokenizer.json");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
