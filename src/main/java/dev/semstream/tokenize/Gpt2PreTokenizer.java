package dev.semstream.tokenize;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GPT-2's pre-tokenizer: cuts text into the pieces BPE works on, so merges never cross a word boundary.
 * English contractions, a letter run with at most one leading space, a digit run likewise, a run of other
 * symbols likewise, whitespace that is not followed by a non-space (so "a   b" gives "a", "  ", " b": the
 * last space stays with the word), and any remaining whitespace. Java's regex with Unicode character
 * classes gives \s, \p{L} and \p{N} the Unicode meanings that GPT-2's own regex has.
 */
public final class Gpt2PreTokenizer {
    static final String REGEX = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";
    private static final Pattern PATTERN = Pattern.compile(REGEX, Pattern.UNICODE_CHARACTER_CLASS);

    private Gpt2PreTokenizer() {
    }

    /** The pieces of {@code text}, in order; their concatenation is the text. */
    public static List<String> split(CharSequence text) {
        List<String> pieces = new ArrayList<>();
        forEachPiece(text, pieces::add);
        return pieces;
    }

    /** Gives each piece of {@code text} to {@code piece}, in order, without collecting them. */
    public static void forEachPiece(CharSequence text, Consumer<String> piece) {
        Matcher m = PATTERN.matcher(text);
        while (m.find()) {
            piece.accept(m.group());
        }
    }
}
