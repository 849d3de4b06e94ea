package dev.semstream.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded documents that look like what GPT-2 is trained on: English words with a Zipf-like frequency,
 * capitals, punctuation, contractions, numbers, line breaks and indented code, with some accents, CJK and
 * emoji, and made-up words, so training makes merges of every kind (spaced words, digits, whitespace runs, multi-byte chars).
 */
final class GptLikeText {
    private static final String[] WORDS = ("the of and to in a is that for it as was with be by on not he this are "
            + "or his from at which but have an they you were her she there been one all we their has would when "
            + "if so no will more can out said up what about into than them only other new some could time these "
            + "two may then do first any my now such like our over man me even most made after also did many "
            + "before must through back years where much your way well down should because each just those people "
            + "lower lowest newer wider stream kafka token merge vector record topic broker partition offset "
            + "café naïve résumé Zürich São Dvořák Москва мир 東京 日本語 北京 한국어 ελλάδα").split(" ");
    /** Made-up words from these give thousands of distinct words that share their parts, as real ones do. */
    private static final String[] SYLLABLES = ("ka fa ro min ter est ing ed un re pre con ly tion al er ou an "
            + "st pl str ight ea oo ch sh th qu ze vi la mo nu").split(" ");
    private static final String[] TAILS = {".", ",", ";", ":", "!", "?", "'s", "'t", "'re", "'ll", " -", "..."};
    private static final String[] EXTRAS = {"😀", "👍🏽", "42", "2024", "3.14", "1,000", "(x)", "\"quoted\"", "\t",
            "\n", "\n\n", "    ", "def f(x):\n    return x + 1\n", "{ a: [1, 2] }", "<|endoftext|>"};

    private GptLikeText() {
    }

    static List<String> documents(int count, int wordsPerDocument, long seed) {
        Random random = new Random(seed);
        List<String> docs = new ArrayList<>();
        for (int d = 0; d < count; d++) {
            StringBuilder sb = new StringBuilder();
            boolean sentenceStart = true;
            for (int w = 0; w < wordsPerDocument; w++) {
                // Zipf-like: the square of a uniform index favours the first words.
                double u = random.nextDouble();
                String word = random.nextInt(10) < 3 ? madeUp(random) : WORDS[(int) (u * u * WORDS.length)];
                if (sentenceStart) {
                    word = Character.toUpperCase(word.charAt(0)) + word.substring(1);
                }
                if (w > 0 && !sb.isEmpty() && sb.charAt(sb.length() - 1) != '\n') {
                    sb.append(' ');
                }
                sb.append(word);
                sentenceStart = false;
                int r = random.nextInt(100);
                if (r < 12) {
                    String tail = TAILS[random.nextInt(TAILS.length)];
                    sb.append(tail);
                    sentenceStart = tail.equals(".") || tail.equals("!") || tail.equals("?");
                } else if (r < 16) {
                    sb.append(' ').append(EXTRAS[random.nextInt(EXTRAS.length)]);
                }
            }
            docs.add(sb.append('\n').toString());
        }
        return docs;
    }

    private static String madeUp(Random random) {
        StringBuilder word = new StringBuilder();
        for (int n = 1 + random.nextInt(4); n > 0; n--) {
            word.append(SYLLABLES[random.nextInt(SYLLABLES.length)]);
        }
        return word.toString();
    }
}
