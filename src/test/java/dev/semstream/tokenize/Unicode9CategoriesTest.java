package dev.semstream.tokenize;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The frozen Unicode 9 tables are sane: sorted, and every code point in them still has that
 * category in the JDK's newer Unicode data, except the few Unicode itself reclassified since.
 */
class Unicode9CategoriesTest {
    /**
     * U+166D moved from Po to So, U+111C9 from Po to Mn, U+1734 from Mn to Mc (Unicode 14), and
     * U+1171E from Mn to Mc (Unicode 16, so only JDKs with Unicode 16 data see it).
     */
    private static final Set<Integer> RECLASSIFIED_SINCE_9 = Set.of(0x166D, 0x111C9, 0x1734, 0x1171E);

    @Test
    void rangesAreSortedAndDisjoint() {
        for (int[] ranges : new int[][] {
            Unicode9Categories.PUNCTUATION, Unicode9Categories.NONSPACING_MARK, Unicode9Categories.FORMAT}) {
            assertTrue(ranges.length % 2 == 0);
            for (int i = 0; i < ranges.length; i += 2) {
                assertTrue(ranges[i] <= ranges[i + 1], "range start after end at " + i);
                if (i > 0) {
                    assertTrue(ranges[i - 1] + 1 < ranges[i], "ranges touch or overlap at " + i);
                }
            }
        }
    }

    @Test
    void everyCodePointKeepsItsCategoryInTheJdkUnlessUnicodeMovedIt() {
        for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
            if (RECLASSIFIED_SINCE_9.contains(cp)) {
                continue;
            }
            int type = Character.getType(cp);
            if (Unicode9Categories.isPunctuation(cp)) {
                assertTrue(type >= Character.DASH_PUNCTUATION && type <= Character.OTHER_PUNCTUATION
                        || type == Character.INITIAL_QUOTE_PUNCTUATION || type == Character.FINAL_QUOTE_PUNCTUATION,
                        String.format("U+%04X", cp));
            }
            if (Unicode9Categories.isNonspacingMark(cp)) {
                assertTrue(type == Character.NON_SPACING_MARK, String.format("U+%04X", cp));
            }
            if (Unicode9Categories.isFormat(cp)) {
                assertTrue(type == Character.FORMAT, String.format("U+%04X", cp));
            }
        }
    }

    @Test
    void charactersAddedAfterUnicode9AreNotInTheTables() {
        assertFalse(Unicode9Categories.isPunctuation(0x2E45)); // Unicode 10
        assertFalse(Unicode9Categories.isPunctuation(0x2E4F)); // Unicode 13
        assertFalse(Unicode9Categories.isNonspacingMark(0x1AC1)); // Unicode 14
        assertFalse(Unicode9Categories.isFormat(0x13430)); // Unicode 12
        assertTrue(Unicode9Categories.isPunctuation('!'));
        assertTrue(Unicode9Categories.isNonspacingMark(0x0301));
        assertTrue(Unicode9Categories.isFormat(0x200B));
    }
}
