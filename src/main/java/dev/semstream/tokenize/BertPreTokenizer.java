package dev.semstream.tokenize;

/**
 * Hugging Face's {@code BertPreTokenizer}: splits normalized text into words on whitespace (which
 * is dropped) and around every punctuation character (which becomes a word of its own).
 */
final class BertPreTokenizer {
    private BertPreTokenizer() {
    }

    /**
     * Appends a {@code [start, end)} pair to {@code bounds} for each word in {@code chars[from, to)},
     * in order.
     */
    static void split(char[] chars, int from, int to, IntList bounds) {
        int wordStart = -1;
        int i = from;
        while (i < to) {
            char c = chars[i];
            int cp = c;
            if (Character.isHighSurrogate(c) && i + 1 < to && Character.isLowSurrogate(chars[i + 1])) {
                cp = Character.toCodePoint(c, chars[i + 1]);
            }
            int next = i + Character.charCount(cp);
            if (BertCharClasses.isWhitespace(cp)) {
                wordStart = endWord(wordStart, i, bounds);
            } else if (BertCharClasses.isPunctuation(cp)) {
                endWord(wordStart, i, bounds);
                bounds.add(i);
                bounds.add(next);
                wordStart = -1;
            } else if (wordStart < 0) {
                wordStart = i;
            }
            i = next;
        }
        endWord(wordStart, to, bounds);
    }

    /** Emits the open word, if any, and returns the "no open word" marker. */
    private static int endWord(int wordStart, int end, IntList bounds) {
        if (wordStart >= 0) {
            bounds.add(wordStart);
            bounds.add(end);
        }
        return -1;
    }
}
