package dev.semstream.tokenize;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Cuts added tokens out of text the way Hugging Face's {@code AddedVocabulary} does: scan left to
 * right, at the first position where some token matches take the longest one (aho-corasick
 * "leftmost-longest"), honour {@code single_word}, {@code lstrip} and {@code rstrip}, and go on
 * after the match.
 *
 * <p>Why this matters: HF turns a literal {@code "[SEP]"} inside user text into the [SEP] id, not
 * into the pieces {@code [ sep ]}. Matching ids means doing the same.
 *
 * <p>Speed: text that contains none of the tokens' first chars (almost all text) costs one pass of
 * bit tests.
 */
final class AddedTokenMatcher {
    /** Plain-text segments carry this instead of an added token's id. */
    static final int TEXT = -1;

    private final BitSet firstChars = new BitSet();
    private final Map<Character, Candidate[]> candidatesByFirstChar;
    private final boolean empty;

    /** A pattern to look for and the token it stands for; pattern differs from content when normalized. */
    record Candidate(String pattern, AddedToken token) {
    }

    AddedTokenMatcher(List<Candidate> candidates) {
        Map<Character, List<Candidate>> grouped = new HashMap<>();
        for (Candidate candidate : candidates) {
            if (candidate.pattern().isEmpty()) {
                continue; // HF cannot match an empty pattern either
            }
            char first = candidate.pattern().charAt(0);
            firstChars.set(first);
            grouped.computeIfAbsent(first, c -> new ArrayList<>()).add(candidate);
        }
        candidatesByFirstChar = new HashMap<>();
        grouped.forEach((first, list) -> {
            Candidate[] longestFirst = list.toArray(new Candidate[0]);
            Arrays.sort(longestFirst, Comparator.comparingInt((Candidate c) -> c.pattern().length()).reversed());
            candidatesByFirstChar.put(first, longestFirst);
        });
        empty = candidatesByFirstChar.isEmpty();
    }

    boolean isEmpty() {
        return empty;
    }

    /**
     * Appends {@code (start, end, id)} triples covering {@code text[from, to)} to {@code segments},
     * with {@link #TEXT} as the id of the stretches between tokens. Empty stretches are left out.
     */
    void split(CharSequence text, int from, int to, IntList segments) {
        int textStart = from;
        int i = from;
        while (i < to) {
            Candidate match = firstChars.get(text.charAt(i)) ? longestAt(text, i, to) : null;
            if (match == null) {
                i++;
                continue;
            }
            AddedToken token = match.token();
            int start = i;
            int stop = i + match.pattern().length();
            i = stop; // like aho-corasick, the scan resumes after the raw match even if it is discarded
            if (token.singleWord() && !standsAlone(text, from, to, start, stop)) {
                continue;
            }
            if (token.lstrip()) {
                start = Math.max(whitespaceRunStart(text, textStart, start), textStart);
            }
            if (token.rstrip()) {
                stop = whitespaceRunEnd(text, stop, to);
            }
            addSegment(segments, textStart, start, TEXT);
            addSegment(segments, start, stop, token.id());
            textStart = stop;
        }
        addSegment(segments, textStart, to, TEXT);
    }

    private Candidate longestAt(CharSequence text, int at, int to) {
        for (Candidate candidate : candidatesByFirstChar.get(text.charAt(at))) {
            String pattern = candidate.pattern();
            if (at + pattern.length() <= to && regionMatches(text, at, pattern)) {
                return candidate;
            }
        }
        return null;
    }

    private static boolean regionMatches(CharSequence text, int at, String pattern) {
        for (int k = 1; k < pattern.length(); k++) { // the first char is known to match
            if (text.charAt(at + k) != pattern.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    /** HF's single_word test: no regex {@code \w} char right before or right after the match. */
    private static boolean standsAlone(CharSequence text, int from, int to, int start, int stop) {
        boolean leftFree = start == from || !isWordChar(Character.codePointBefore(text, start));
        boolean rightFree = stop == to || !isWordChar(Character.codePointAt(text, stop));
        return leftFree && rightFree;
    }

    /** Rust regex's Unicode {@code \w}: Alphabetic, marks, decimal digits, connector punctuation, joiners. */
    private static boolean isWordChar(int cp) {
        if (Character.isAlphabetic(cp) || cp == 0x200C || cp == 0x200D) {
            return true;
        }
        int type = Character.getType(cp);
        return type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK
                || type == Character.COMBINING_SPACING_MARK || type == Character.DECIMAL_DIGIT_NUMBER
                || type == Character.CONNECTOR_PUNCTUATION;
    }

    /** Start of the whitespace run that ends at {@code end} (regex {@code \s*$}). */
    private static int whitespaceRunStart(CharSequence text, int limit, int end) {
        int i = end;
        while (i > limit && BertCharClasses.isWhitespace(text.charAt(i - 1))) {
            i--;
        }
        return i;
    }

    /** End of the whitespace run that starts at {@code start} (regex {@code ^\s*}). */
    private static int whitespaceRunEnd(CharSequence text, int start, int to) {
        int i = start;
        while (i < to && BertCharClasses.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i;
    }

    private static void addSegment(IntList segments, int start, int end, int id) {
        if (end > start) {
            segments.add(start);
            segments.add(end);
            segments.add(id);
        }
    }
}
