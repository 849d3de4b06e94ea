package dev.semstream.train;

import dev.semstream.tokenize.ByteLevelBpeFiles;
import dev.semstream.tokenize.Gpt2PreTokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The textbook BPE trainer, as the reference for the incremental one: every step recounts every pair in
 * every word from scratch and merges the best (most frequent; ties to the smaller left id, then right id;
 * a pair whose token some other split already made is passed over). Slow, and simple enough to read as the
 * definition. Its merges.txt is written the same way, for a byte comparison.
 */
final class NaiveBpeTrainer {
    private NaiveBpeTrainer() {
    }

    static byte[] mergesTxt(List<String> documents, int vocabSize) {
        Map<String, Long> wordCounts = new HashMap<>();
        for (String document : documents) {
            for (String piece : Gpt2PreTokenizer.split(document)) {
                wordCounts.merge(piece, 1L, Long::sum);
            }
        }
        List<byte[]> tokens = new ArrayList<>(Arrays.asList(ByteLevelBpeFiles.baseTokens()));
        Set<String> spellings = new HashSet<>();
        int[] idOfByte = new int[256];
        for (int id = 0; id < 256; id++) {
            spellings.add(latin1(tokens.get(id)));
            idOfByte[tokens.get(id)[0] & 0xFF] = id;
        }
        List<int[]> words = new ArrayList<>();
        List<Long> counts = new ArrayList<>();
        for (Map.Entry<String, Long> e : wordCounts.entrySet()) {
            byte[] utf8 = e.getKey().getBytes(StandardCharsets.UTF_8);
            int[] symbols = new int[utf8.length];
            for (int i = 0; i < utf8.length; i++) {
                symbols[i] = idOfByte[utf8[i] & 0xFF];
            }
            words.add(symbols);
            counts.add(e.getValue());
        }
        List<byte[]> lefts = new ArrayList<>();
        List<byte[]> rights = new ArrayList<>();
        Set<Long> passedOver = new HashSet<>();
        while (tokens.size() < vocabSize - 1) {
            Map<Long, Long> pairCounts = new HashMap<>();
            for (int w = 0; w < words.size(); w++) {
                int[] s = words.get(w);
                for (int i = 0; i + 1 < s.length; i++) {
                    pairCounts.merge(pair(s[i], s[i + 1]), counts.get(w), Long::sum);
                }
            }
            // The pair key orders as (left, right), so the smallest key among the most frequent is the tie-break.
            long best = -1;
            long bestCount = 0;
            for (Map.Entry<Long, Long> e : pairCounts.entrySet()) {
                long p = e.getKey();
                long c = e.getValue();
                if (!passedOver.contains(p) && (best < 0 || c > bestCount || (c == bestCount && p < best))) {
                    best = p;
                    bestCount = c;
                }
            }
            if (best < 0) {
                break;
            }
            int left = (int) (best >>> 32);
            int right = (int) best;
            byte[] a = tokens.get(left);
            byte[] b = tokens.get(right);
            byte[] merged = Arrays.copyOf(a, a.length + b.length);
            System.arraycopy(b, 0, merged, a.length, b.length);
            if (!spellings.add(latin1(merged))) {
                passedOver.add(best);
                continue;
            }
            int id = tokens.size();
            tokens.add(merged);
            lefts.add(a);
            rights.add(b);
            for (int w = 0; w < words.size(); w++) {
                int[] s = words.get(w);
                int[] out = new int[s.length];
                int n = 0;
                for (int i = 0; i < s.length; i++) {
                    if (i + 1 < s.length && s[i] == left && s[i + 1] == right) {
                        out[n++] = id;
                        i++;
                    } else {
                        out[n++] = s[i];
                    }
                }
                words.set(w, Arrays.copyOf(out, n));
            }
        }
        return ByteLevelBpeFiles.mergesTxt(lefts, rights);
    }

    private static long pair(int left, int right) {
        return ((long) left << 32) | right;
    }

    private static String latin1(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
