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
        List<List<Integer>> words = new ArrayList<>();
        List<Long> counts = new ArrayList<>();
        for (Map.Entry<String, Long> e : wordCounts.entrySet()) {
            List<Integer> symbols = new ArrayList<>();
            for (byte b : e.getKey().getBytes(StandardCharsets.UTF_8)) {
                symbols.add(idOfByte[b & 0xFF]);
            }
            words.add(symbols);
            counts.add(e.getValue());
        }
        List<byte[]> lefts = new ArrayList<>();
        List<byte[]> rights = new ArrayList<>();
        Set<List<Integer>> passedOver = new HashSet<>();
        while (tokens.size() < vocabSize - 1) {
            Map<List<Integer>, Long> pairCounts = new HashMap<>();
            for (int w = 0; w < words.size(); w++) {
                List<Integer> s = words.get(w);
                for (int i = 0; i + 1 < s.size(); i++) {
                    pairCounts.merge(List.of(s.get(i), s.get(i + 1)), counts.get(w), Long::sum);
                }
            }
            List<Integer> best = null;
            long bestCount = 0;
            for (Map.Entry<List<Integer>, Long> e : pairCounts.entrySet()) {
                List<Integer> p = e.getKey();
                long c = e.getValue();
                if (passedOver.contains(p)) {
                    continue;
                }
                if (best == null || c > bestCount || (c == bestCount && (p.get(0) < best.get(0)
                        || (p.get(0).equals(best.get(0)) && p.get(1) < best.get(1))))) {
                    best = p;
                    bestCount = c;
                }
            }
            if (best == null) {
                break;
            }
            byte[] a = tokens.get(best.get(0));
            byte[] b = tokens.get(best.get(1));
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
            for (List<Integer> s : words) {
                for (int i = 0; i + 1 < s.size(); i++) {
                    if (s.get(i).equals(best.get(0)) && s.get(i + 1).equals(best.get(1))) {
                        s.set(i, id);
                        s.remove(i + 1);
                    }
                }
            }
        }
        return ByteLevelBpeFiles.mergesTxt(lefts, rights);
    }

    private static String latin1(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
