package dev.semstream.train;

import dev.semstream.tokenize.ByteLevelBpeTokenizer;

import java.util.List;
import java.util.Map;

/**
 * Trains a byte-level BPE tokenizer by GPT-2's rules: text is cut by GPT-2's pre-tokenizer, every piece
 * starts as its UTF-8 bytes (the 256 byte tokens, ids 0..255 in GPT-2's order), and the most frequent
 * adjacent pair of tokens is merged into a new token, again and again, never across two pieces or two
 * documents. Ties go to the pair with the smaller left id, then the smaller right id (see {@link MergeLearner}).
 * The last id is {@code <|endoftext|>}, the separator the documents stand for.
 *
 * <p>A corpus too small for the asked size (it runs out of pairs first) is an error, not a silently smaller
 * vocabulary: a model's shape is built on the vocabulary size, so it must be what was asked.
 */
public final class BpeTrainer {
    /** 256 byte tokens and {@code <|endoftext|>}: the vocabulary with no merge at all. */
    public static final int MIN_VOCAB_SIZE = 257;

    private BpeTrainer() {
    }

    /**
     * @param documents texts that no merge spans (those a corpus separates by {@code <|endoftext|>}); a
     *                  literal {@code <|endoftext|>} inside one is ordinary text, as the tokenizer encodes it
     * @param vocabSize the number of ids, {@code <|endoftext|>} (the last) included; at least 257
     * @throws IllegalArgumentException if vocabSize is below 257, or the documents have too few distinct
     *                                  pairs to make vocabSize - 257 merges
     */
    public static TrainedBpe train(List<String> documents, int vocabSize) {
        if (vocabSize < MIN_VOCAB_SIZE) {
            throw new IllegalArgumentException("a byte-level BPE vocabulary has at least " + MIN_VOCAB_SIZE
                    + " ids (256 bytes and " + ByteLevelBpeTokenizer.END_OF_TEXT + "), not " + vocabSize);
        }
        Map<String, Long> wordCounts = PreTokenCounts.count(documents);
        MergeLearner learner = MergeLearner.learn(wordCounts, vocabSize - 1);
        int reached = learner.tokens().size() + 1;
        if (reached < vocabSize) {
            throw new IllegalArgumentException("the corpus (" + documents.size() + " documents, " + wordCounts.size()
                    + " distinct pre-tokens) runs out of pairs to merge at a vocabulary of " + reached
                    + ", short of the " + vocabSize + " asked: give more text or a vocabulary of at most " + reached);
        }
        return new TrainedBpe(learner.tokens(), learner.mergeLefts(), learner.mergeRights());
    }
}
