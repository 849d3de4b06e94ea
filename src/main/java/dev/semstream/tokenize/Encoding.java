package dev.semstream.tokenize;

/**
 * The token ids of one text, special tokens included.
 *
 * @param ids       token ids, e.g. {@code [CLS] ... [SEP]} for BERT
 * @param truncated true when the text had more tokens than fit and the tail was dropped
 */
public record Encoding(int[] ids, boolean truncated) {
    /** Number of tokens the model reads, special tokens included. */
    public int tokenCount() {
        return ids.length;
    }
}
