package dev.semstream.tokenize;

/**
 * Hugging Face's WordPiece model: greedy longest-match-first over the vocabulary, with
 * continuation pieces spelled {@code prefix + rest} (BERT's {@code ##}).
 *
 * <p>Like HF, a word that cannot be covered completely becomes a single unknown token, and so does
 * a word longer than {@code maxInputCharsPerWord}, counted in code points (Rust chars), not UTF-16
 * units.
 */
final class WordPieceModel {
    private final CharTrie vocab;
    private final int continuationRoot;
    private final int unknownId;
    private final int maxInputCharsPerWord;

    /**
     * @param continuingSubwordPrefix prepended to every piece that does not start a word
     */
    WordPieceModel(CharTrie vocab, String continuingSubwordPrefix, int unknownId, int maxInputCharsPerWord) {
        this.vocab = vocab;
        // HF looks up prefix + piece; walking the prefix once here makes that lookup free per piece.
        this.continuationRoot = vocab.walk(vocab.root(), continuingSubwordPrefix);
        this.unknownId = unknownId;
        this.maxInputCharsPerWord = maxInputCharsPerWord;
    }

    /** Appends the ids of the word {@code chars[from, to)} to {@code out}. */
    void tokenize(char[] chars, int from, int to, IntList out) {
        if (to - from > maxInputCharsPerWord && codePointCount(chars, from, to) > maxInputCharsPerWord) {
            out.add(unknownId);
            return;
        }
        int mark = out.size();
        int start = from;
        while (start < to) {
            int end = longestMatchEnd(chars, start, to, start == from ? vocab.root() : continuationRoot, out);
            if (end < 0) {
                // HF: one failing piece turns the whole word into a single unknown token.
                out.truncate(mark);
                out.add(unknownId);
                return;
            }
            start = end;
        }
    }

    /**
     * Walks the trie from {@code node} along {@code chars[start, to)} and appends the id of the
     * longest vocabulary entry found; returns where it ends, or -1 if none matched.
     */
    private int longestMatchEnd(char[] chars, int start, int to, int node, IntList out) {
        int bestEnd = -1;
        int bestId = CharTrie.NONE;
        for (int i = start; i < to && node != CharTrie.NONE; i++) {
            node = vocab.child(node, chars[i]);
            if (node != CharTrie.NONE) {
                int id = vocab.tokenId(node);
                if (id != CharTrie.NONE && !splitsSurrogatePair(chars, i + 1, to)) {
                    bestEnd = i + 1;
                    bestId = id;
                }
            }
        }
        if (bestEnd >= 0) {
            out.add(bestId);
        }
        return bestEnd;
    }

    /** HF cuts words on char (code point) boundaries only; a vocab entry cannot end mid-pair. */
    private static boolean splitsSurrogatePair(char[] chars, int end, int to) {
        return end < to && Character.isLowSurrogate(chars[end]) && Character.isHighSurrogate(chars[end - 1]);
    }

    private static int codePointCount(char[] chars, int from, int to) {
        return Character.codePointCount(chars, from, to - from);
    }
}
