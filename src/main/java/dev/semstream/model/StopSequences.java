package dev.semstream.model;

import java.util.List;

/** Where the first stop sequence starts in a growing completion text. */
final class StopSequences {
    private StopSequences() {
    }

    /**
     * The earliest index at which any of the stops occurs in {@code text}, or -1. The whole text is searched
     * each time, so a stop that arrives split across several tokens is found once its last piece lands.
     */
    static int firstIndex(String text, List<String> stops) {
        int first = -1;
        for (String s : stops) {
            int i = text.indexOf(s);
            if (i >= 0 && (first < 0 || i < first)) {
                first = i;
            }
        }
        return first;
    }
}
