package dev.semstream.tokenize;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Hugging Face's own (Rust) tokenizer through DJL, as the reference for parity tests. It is given
 * the same tokenizer.json as ours, minus its truncation (128) and padding (fixed 128) sections, so
 * it returns every id and no pad ids.
 */
final class HuggingFaceReference implements AutoCloseable {
    static final String MINILM_RESOURCE = "all-minilm-l6-v2-tokenizer.json";

    private final HuggingFaceTokenizer tokenizer;

    private HuggingFaceReference(HuggingFaceTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /**
     * Loads the classpath resource, applies {@code variant}, strips truncation and padding, and
     * writes it to {@code dir}.
     */
    static Path untruncatedCopy(String resource, TokenizerJsonVariant variant, Path dir) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root;
        try (InputStream in = HuggingFaceReference.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("test classpath has no " + resource);
            }
            root = (ObjectNode) json.readTree(in);
        }
        variant.applyTo(root);
        root.putNull("truncation");
        root.putNull("padding");
        Path file = dir.resolve(variant.name().toLowerCase(java.util.Locale.ROOT) + "-tokenizer.json");
        json.writeValue(file.toFile(), root);
        return file;
    }

    static HuggingFaceReference open(Path tokenizerJson) throws IOException {
        // DJL's options again say: no truncation, no padding, add [CLS]/[SEP].
        return new HuggingFaceReference(HuggingFaceTokenizer.newInstance(tokenizerJson, Map.of(
                "addSpecialTokens", "true", "truncation", "false", "padding", "false")));
    }

    /** Full ids of {@code text}, special tokens included, nothing cut. */
    int[] ids(String text) {
        long[] ids = tokenizer.encode(text, true, false).getIds();
        int[] result = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            result[i] = Math.toIntExact(ids[i]);
        }
        return result;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
