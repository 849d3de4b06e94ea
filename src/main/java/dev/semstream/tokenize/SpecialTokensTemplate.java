package dev.semstream.tokenize;

/**
 * The single-sequence half of a post-processor: the ids that go before and after the text's
 * pieces, e.g. {@code [CLS]} and {@code [SEP]} for BERT.
 */
record SpecialTokensTemplate(int[] prefix, int[] suffix) {
    /** No special tokens at all (a tokenizer.json with {@code "post_processor": null}). */
    static final SpecialTokensTemplate NONE = new SpecialTokensTemplate(new int[0], new int[0]);

    SpecialTokensTemplate {
        prefix = prefix.clone();
        suffix = suffix.clone();
    }

    int specialCount() {
        return prefix.length + suffix.length;
    }

    /** prefix + the first {@code count} pieces + suffix. */
    int[] wrap(IntList pieces, int count) {
        int[] ids = new int[prefix.length + count + suffix.length];
        System.arraycopy(prefix, 0, ids, 0, prefix.length);
        pieces.copyTo(count, ids, prefix.length);
        System.arraycopy(suffix, 0, ids, prefix.length + count, suffix.length);
        return ids;
    }
}
