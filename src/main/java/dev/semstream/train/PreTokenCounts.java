package dev.semstream.train;

import dev.semstream.kernels.Parallel;
import dev.semstream.tokenize.Gpt2PreTokenizer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How often each GPT-2 pre-token occurs in the documents: the word -> count map BPE training works on, so
 * the text is scanned once and each distinct word is merged once however often it occurs. The regular
 * expression is the cost, so the text is counted on all cores; a long document is cut into chunks at points
 * where cutting cannot change its pieces (below), so one big file is parallel too. Each document is
 * pre-tokenized on its own, so no piece spans two.
 */
final class PreTokenCounts {
    /** Chunks of about this many chars: big enough to amortise a task, small enough to balance two cores. */
    static final int CHUNK_CHARS = 1 << 20;

    private PreTokenCounts() {
    }

    static Map<String, Long> count(List<String> documents) {
        return count(documents, CHUNK_CHARS, Parallel.threads());
    }

    static Map<String, Long> count(List<String> documents, int chunkChars, int threads) {
        List<String> chunks = new ArrayList<>();
        for (String document : documents) {
            cut(document, chunkChars, chunks);
        }
        int workers = Math.max(1, Math.min(threads, chunks.size()));
        AtomicInteger next = new AtomicInteger();
        List<Map<String, long[]>> partials = new ArrayList<>(Collections.nCopies(workers, null));
        // Each worker claims chunks until none is left, into a map of its own.
        Parallel.forEach(workers, w -> partials.set(w, countChunks(chunks, next)));
        // Sums, so the result is the same whichever worker counted which chunk.
        Map<String, Long> total = new HashMap<>();
        for (Map<String, long[]> partial : partials) {
            for (Map.Entry<String, long[]> e : partial.entrySet()) {
                total.merge(e.getKey(), e.getValue()[0], Long::sum);
            }
        }
        return total;
    }

    private static Map<String, long[]> countChunks(List<String> chunks, AtomicInteger next) {
        Map<String, long[]> counts = new HashMap<>();
        for (int i; (i = next.getAndIncrement()) < chunks.size(); ) {
            Gpt2PreTokenizer.forEachPiece(chunks.get(i), piece -> counts.computeIfAbsent(piece, k -> new long[1])[0]++);
        }
        return counts;
    }

    /** Adds the document to {@code chunks}, cut at safe points into pieces of about {@code chunkChars}. */
    static void cut(String document, int chunkChars, List<String> chunks) {
        int start = 0;
        while (document.length() - start > chunkChars) {
            int cut = safeCut(document, start + chunkChars);
            if (cut < 0) {
                break;
            }
            chunks.add(document.substring(start, cut));
            start = cut;
        }
        chunks.add(start == 0 ? document : document.substring(start));
    }

    /**
     * The first position at or after {@code from} just after a newline with a visible character on each side,
     * or -1. There the newline is a piece of its own whether the text goes on or ends (the whitespace rules
     * take "\n" alone in both cases), the piece before it ends at it, and the piece after starts after it, so
     * the chunks' pieces are exactly the whole text's. "Visible" is kept narrow (a letter or digit, or printable
     * ASCII other than space) so that no Unicode whitespace slips through.
     */
    static int safeCut(String text, int from) {
        for (int p = Math.max(from, 2); p < text.length(); p++) {
            if (text.charAt(p - 1) == '\n' && visible(text.charAt(p - 2)) && visible(text.charAt(p))) {
                return p;
            }
        }
        return -1;
    }

    private static boolean visible(char c) {
        return (c > ' ' && c < 0x7F) || Character.isLetterOrDigit(c);
    }
}
