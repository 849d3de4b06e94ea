package dev.semstream.train;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * What a model that reads no context, or only the previous token, scores on the same validation tokens: the
 * bar a trained transformer must clear for its loss to mean it learned anything from attention.
 *
 * <ul>
 *   <li><b>Unigram</b>: {@code P(b) = (count(b) + 1) / (N + V)}, add-one smoothed so an unseen token costs a
 *   finite loss.</li>
 *   <li><b>Bigram</b>: absolute discounting (d = 0.75) backing off to that unigram, {@code P(b | a) =
 *   max(count(a b) - d, 0) / count(a) + d * distinct(a .) / count(a) * P(b)}, or the unigram for an {@code a}
 *   never seen; the usual fixed discount, nothing tuned on the validation split.</li>
 * </ul>
 * Both are mean cross-entropies in nats per predicted token, like the trainer's loss.
 */
public final class NgramBaselines {
    private static final double DISCOUNT = 0.75;

    /** Mean nats per token of each baseline. */
    public record Losses(double unigram, double bigram) {
    }

    private NgramBaselines() {
    }

    /**
     * Counts on {@code train}, scores every next-token prediction in {@code validation} (each token after the
     * first). Token ids must lie in [0, vocabSize).
     */
    public static Losses measure(int[] train, int[] validation, int vocabSize) {
        if (train.length < 2 || validation.length < 2) {
            throw new IllegalArgumentException("baselines need at least 2 train and 2 validation tokens, got "
                    + train.length + " and " + validation.length);
        }
        requireIds("the train split", train, vocabSize);
        requireIds("the validation split", validation, vocabSize);
        long[] unigramCounts = new long[vocabSize];
        for (int t : train) {
            unigramCounts[t]++;
        }
        // Bigram counts keyed by a * vocabSize + b; per first token its total and its distinct followers.
        Map<Long, long[]> pairs = new HashMap<>();
        long[] followed = new long[vocabSize];
        int[] distinctFollowers = new int[vocabSize];
        for (int i = 1; i < train.length; i++) {
            long[] c = pairs.computeIfAbsent((long) train[i - 1] * vocabSize + train[i], k -> new long[1]);
            if (c[0]++ == 0) {
                distinctFollowers[train[i - 1]]++;
            }
            followed[train[i - 1]]++;
        }
        double total = train.length + (double) vocabSize;
        double unigramNats = 0;
        double bigramNats = 0;
        for (int i = 1; i < validation.length; i++) {
            int a = validation[i - 1];
            int b = validation[i];
            double pb = (unigramCounts[b] + 1) / total;
            unigramNats -= Math.log(pb);
            double p = pb;
            if (followed[a] > 0) {
                long[] c = pairs.get((long) a * vocabSize + b);
                double seen = c == null ? 0 : Math.max(c[0] - DISCOUNT, 0);
                p = seen / followed[a] + DISCOUNT * distinctFollowers[a] / followed[a] * pb;
            }
            bigramNats -= Math.log(p);
        }
        int predictions = validation.length - 1;
        return new Losses(unigramNats / predictions, bigramNats / predictions);
    }

    /** A guard for callers: every id in range, so a corpus encoded with another tokenizer fails with its name. */
    private static void requireIds(String what, int[] tokens, int vocabSize) {
        int bad = Arrays.stream(tokens).filter(t -> t < 0 || t >= vocabSize).findFirst().orElse(-1);
        if (bad != -1) {
            throw new IllegalArgumentException(what + " holds token id " + bad + ", outside the vocabulary of " + vocabSize);
        }
    }
}
