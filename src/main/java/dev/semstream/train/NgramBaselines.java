package dev.semstream.train;

import java.util.Arrays;

/**
 * What a model must beat: the validation loss of a unigram and of a bigram model counted on the training
 * side of the same split, scored on the same validation windows and positions the trainer evaluates (each
 * window's tokens 1..sequenceLength, the bigram's history the token before inside the window). A transformer
 * that does not get below the bigram has learnt nothing a table of pairs could not hold.
 *
 * <p>The unigram is add-one smoothed over the whole vocabulary; the bigram is interpolated absolute discounting
 * (Ney, Essen and Kneser; discount 0.75) backing off to that unigram, a standard estimator with nothing tuned
 * on the validation side.
 *
 * @param unigram           mean cross-entropy, nats per token
 * @param bigram            mean cross-entropy, nats per token
 * @param validationTargets how many validation positions were scored
 */
public record NgramBaselines(double unigram, double bigram, long validationTargets) {
    private static final double DISCOUNT = 0.75;

    /** Counts the training runs of {@code split} and scores all of its validation windows. */
    public static NgramBaselines measure(CorpusSplit split, int vocabSize) {
        if (split.validationWindows() == 0) {
            throw new TrainingException("the split holds nothing out, so there is no validation loss to compare with");
        }
        long[] unigrams = new long[vocabSize];
        long trainingTokens = 0;
        long pairCount = 0;
        for (int r = 0; r < split.trainingRuns(); r++) {
            pairCount += split.trainingRunLength(r) - 1;
        }
        // Pairs as prev x vocab + next, sorted: counts by run length, looked up by binary search, in 8 bytes a pair
        // where a vocab x vocab table would take 256 MB at a vocabulary of 8192.
        long[] pairs = new long[Math.toIntExact(pairCount)];
        int n = 0;
        for (int r = 0; r < split.trainingRuns(); r++) {
            int from = split.trainingRunStart(r);
            int to = from + split.trainingRunLength(r);
            for (int i = from; i < to; i++) {
                unigrams[checked(split.token(i), vocabSize)]++;
                trainingTokens++;
                if (i + 1 < to) {
                    pairs[n++] = (long) split.token(i) * vocabSize + checked(split.token(i + 1), vocabSize);
                }
            }
        }
        Arrays.sort(pairs);
        long[] keys = new long[pairs.length];
        int[] counts = new int[pairs.length];
        long[] historyCount = new long[vocabSize];
        int[] historyTypes = new int[vocabSize];
        int unique = 0;
        for (int i = 0; i < pairs.length; ) {
            int j = i;
            while (j < pairs.length && pairs[j] == pairs[i]) {
                j++;
            }
            keys[unique] = pairs[i];
            counts[unique++] = j - i;
            int history = (int) (pairs[i] / vocabSize);
            historyCount[history] += j - i;
            historyTypes[history]++;
            i = j;
        }
        double unigramLoss = 0;
        double bigramLoss = 0;
        long scored = 0;
        int window = split.sequenceLength() + 1;
        for (int w = 0; w < split.validationWindows(); w++) {
            int start = split.validationWindowStart(w);
            for (int i = start; i + 1 < start + window; i++) {
                int prev = checked(split.token(i), vocabSize);
                int next = checked(split.token(i + 1), vocabSize);
                double pUnigram = (unigrams[next] + 1.0) / (trainingTokens + vocabSize);
                double pBigram = pUnigram;
                if (historyCount[prev] > 0) {
                    int at = Arrays.binarySearch(keys, 0, unique, (long) prev * vocabSize + next);
                    double seen = at >= 0 ? Math.max(counts[at] - DISCOUNT, 0) : 0;
                    pBigram = (seen + DISCOUNT * historyTypes[prev] * pUnigram) / historyCount[prev];
                }
                unigramLoss -= Math.log(pUnigram);
                bigramLoss -= Math.log(pBigram);
                scored++;
            }
        }
        return new NgramBaselines(unigramLoss / scored, bigramLoss / scored, scored);
    }

    private static int checked(int token, int vocabSize) {
        if (token >= vocabSize) {
            throw new TrainingException("token id " + token + " is outside the vocabulary of " + vocabSize);
        }
        return token;
    }
}
