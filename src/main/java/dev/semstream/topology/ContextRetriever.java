package dev.semstream.topology;

import java.util.List;

/** Finds the stored texts nearest to a prompt, for retrieval-augmented generation (the similarity API does it). */
public interface ContextRetriever {
    /** A stored text given to the decoder as context. */
    record Passage(String id, String text, double score) {
    }

    /**
     * The k nearest stored texts, nearest first.
     *
     * @throws RuntimeException with a message users can act on if the search cannot be done
     */
    List<Passage> nearest(String text, int k);
}
