package dev.semstream.train;

import dev.semstream.tokenize.ByteLevelBpeFiles;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Learns BPE merges from a word -> count map, incrementally: pair counts are built once, and a merge updates
 * only the pairs around its occurrences, in only the words that contain it (each pair keeps the list of words
 * it was seen in). The most frequent pair comes from a priority queue with lazy deletion: a count only goes
 * down between pushes, so an entry whose count is stale is pushed again with the true count when it reaches
 * the top, and every pair whose count rose in a step is pushed once after the step.
 *
 * <p>Tie-break, so that training is deterministic: of pairs with the same count, the one whose left token id
 * is smallest wins, then the smallest right token id (ids: the 256 bytes in GPT-2's order, then merged tokens
 * in the order they were made; the same rule as Hugging Face's trainer). A merge whose bytes some earlier
 * merge already made (the same string split another way) is skipped, so every merge adds one token and a
 * word's encoding by merge rank is the segmentation training left it in.
 */
final class MergeLearner {
    private static final Comparator<Candidate> ORDER = Comparator.comparingLong((Candidate c) -> -c.count)
            .thenComparingInt(c -> c.left).thenComparingInt(c -> c.right);

    private final String[] texts;
    private final int[][] words;
    private final int[] lengths;
    private final long[] wordCounts;
    /** The step that last rewrote each word, so a word listed twice under a pair is rewritten once. */
    private final int[] rewrittenAt;
    private final Map<Long, Pair> pairs = new HashMap<>();
    private final PriorityQueue<Candidate> queue = new PriorityQueue<>(ORDER);
    private final List<Pair> risen = new ArrayList<>();
    private final List<byte[]> tokens = new ArrayList<>();
    private final Set<String> spellings = new HashSet<>();
    private final List<byte[]> mergeLefts = new ArrayList<>();
    private final List<byte[]> mergeRights = new ArrayList<>();
    private long merging = -1;
    private int skipped;

    private MergeLearner(Map<String, Long> wordCounts) {
        byte[][] base = ByteLevelBpeFiles.baseTokens();
        int[] idOfByte = new int[256];
        for (int id = 0; id < 256; id++) {
            tokens.add(base[id]);
            spellings.add(latin1(base[id]));
            idOfByte[base[id][0] & 0xFF] = id;
        }
        int n = wordCounts.size();
        texts = new String[n];
        words = new int[n][];
        lengths = new int[n];
        this.wordCounts = new long[n];
        rewrittenAt = new int[n];
        Arrays.fill(rewrittenAt, -1);
        int w = 0;
        for (Map.Entry<String, Long> e : wordCounts.entrySet()) {
            byte[] utf8 = e.getKey().getBytes(StandardCharsets.UTF_8);
            int[] symbols = new int[utf8.length];
            for (int i = 0; i < utf8.length; i++) {
                symbols[i] = idOfByte[utf8[i] & 0xFF];
            }
            texts[w] = e.getKey();
            words[w] = symbols;
            lengths[w] = symbols.length;
            this.wordCounts[w] = e.getValue();
            for (int i = 0; i + 1 < symbols.length; i++) {
                add(symbols[i], symbols[i + 1], e.getValue(), w);
            }
            w++;
        }
        pushRisen();
    }

    /**
     * Merges until there are {@code tokenCount} tokens (the 256 bytes included), or returns fewer when no
     * pair is left to merge.
     */
    static MergeLearner learn(Map<String, Long> wordCounts, int tokenCount) {
        MergeLearner learner = new MergeLearner(wordCounts);
        for (int step = 0; learner.tokens.size() < tokenCount; step++) {
            if (!learner.mergeOnce(step)) {
                break;
            }
        }
        return learner;
    }

    List<byte[]> tokens() {
        return tokens;
    }

    List<byte[]> mergeLefts() {
        return mergeLefts;
    }

    List<byte[]> mergeRights() {
        return mergeRights;
    }

    /** Merges skipped because another split had made their token already. */
    int skipped() {
        return skipped;
    }

    /** Each distinct word's segmentation now, as token ids: what training made of the corpus. */
    Map<String, int[]> segmentations() {
        Map<String, int[]> out = new HashMap<>();
        for (int w = 0; w < words.length; w++) {
            out.put(texts[w], Arrays.copyOf(words[w], lengths[w]));
        }
        return out;
    }

    /** Makes the best pair's merge; false if no pair is left. */
    private boolean mergeOnce(int step) {
        while (true) {
            Candidate top = queue.poll();
            if (top == null) {
                return false;
            }
            Pair pair = pairs.get(key(top.left, top.right));
            if (pair.skipped) {
                continue;
            }
            if (pair.count != top.count) {
                if (pair.count > 0) {
                    queue.add(new Candidate(pair.count, pair.left, pair.right));
                }
                continue;
            }
            byte[] merged = concat(tokens.get(pair.left), tokens.get(pair.right));
            if (!spellings.add(latin1(merged))) {
                skipped++;
                pair.skipped = true;
                continue;
            }
            int id = tokens.size();
            tokens.add(merged);
            mergeLefts.add(tokens.get(pair.left));
            mergeRights.add(tokens.get(pair.right));
            merging = key(pair.left, pair.right);
            for (int i = 0; i < pair.wordCount; i++) {
                int w = pair.words[i];
                if (rewrittenAt[w] != step) {
                    rewrittenAt[w] = step;
                    rewrite(w, pair.left, pair.right, id);
                }
            }
            merging = -1;
            pair.count = 0;
            pair.words = null;
            pushRisen();
            return true;
        }
    }

    /**
     * Replaces each occurrence of left,right in word w by the merged token, left to right (so "aaa" becomes
     * "aa a", as the tokenizer's rank order does), moving the counts of the neighbouring pairs.
     */
    private void rewrite(int w, int left, int right, int merged) {
        int[] s = words[w];
        int len = lengths[w];
        long c = wordCounts[w];
        int out = 0;
        int i = 0;
        while (i < len) {
            if (i + 1 < len && s[i] == left && s[i + 1] == right) {
                if (out > 0) {
                    add(s[out - 1], left, -c, w);
                    add(s[out - 1], merged, c, w);
                }
                if (i + 2 < len) {
                    add(right, s[i + 2], -c, w);
                    add(merged, s[i + 2], c, w);
                }
                s[out++] = merged;
                i += 2;
            } else {
                s[out++] = s[i++];
            }
        }
        lengths[w] = out;
    }

    private void add(int left, int right, long delta, int word) {
        long key = key(left, right);
        if (key == merging) {
            return;   // the pair being merged goes to zero as a whole
        }
        Pair pair = pairs.get(key);
        if (pair == null) {
            pair = new Pair(left, right);
            pairs.put(key, pair);
        }
        pair.count += delta;
        if (delta > 0) {
            pair.addWord(word);
            if (!pair.risen) {
                pair.risen = true;
                risen.add(pair);
            }
        }
    }

    private void pushRisen() {
        for (Pair pair : risen) {
            pair.risen = false;
            if (pair.count > 0 && !pair.skipped) {
                queue.add(new Candidate(pair.count, pair.left, pair.right));
            }
        }
        risen.clear();
    }

    private static long key(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFFFFFFL);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** Bytes as chars 0..255: a lossless key for a byte string. */
    private static String latin1(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    private record Candidate(long count, int left, int right) {
    }

    /** A pair's total count over the corpus and the words it has been seen in (some may have lost it since). */
    private static final class Pair {
        final int left;
        final int right;
        long count;
        int[] words = new int[2];
        int wordCount;
        boolean risen;
        /** Its token was already made another way: never merged, so its words keep it split. */
        boolean skipped;

        Pair(int left, int right) {
            this.left = left;
            this.right = right;
        }

        void addWord(int w) {
            if (words == null || (wordCount > 0 && words[wordCount - 1] == w)) {
                return;
            }
            if (wordCount == words.length) {
                words = Arrays.copyOf(words, wordCount * 2);
            }
            words[wordCount++] = w;
        }
    }
}
