package dev.semstream.reference;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.ToIntFunction;

/**
 * Deterministic English-like texts in the vocabulary of semstream's source document (tokens,
 * embeddings, attention, temperature ...), for parity tests and benchmarks. Same seed, same texts.
 */
public final class TextCorpus {
    private static final String[] WORDS = ("the a model predicts next word token tokens vector vectors embedding "
            + "embeddings attention query key value matrix softmax temperature probability distribution "
            + "vocabulary transformer layer layers encoder decoder causal mask masking loss training gradient "
            + "cosine similarity euclidean distance meaning sentence text input output king queen woman man "
            + "large language models generate creative results randomly selects most likely options each "
            + "is converted into numerical representation high-dimensional space statistical learned during "
            + "it appends re-evaluates sequence loop predict analyze engines BERT GPT bidirectional "
            + "context window position positional heads multi-head feed-forward MLP GELU normalization "
            + "weights parameters billions fine-tuning inference prompt completion stream Kafka partition "
            + "of to in and with for on by from as that this which when how why 2024 3.14 42 1,000").split(" ");
    private static final String[] PUNCT = {".", ",", ";", ":", "!", "?", " -", " (note)", "'s", "\""};
    private static final String[] EXTRAS = {"café", "naïve", "Zürich", "über", "東京", "注意力", "😀", "🚀",
            "e-mail: user@example.com", "https://example.org/llm?q=attention&k=5", "x = softmax(QK^T / sqrt(d))",
            "ÀÉÎÕÜ", "Привет", "μηχανή", "\t", "  "};

    private TextCorpus() {
    }

    /** A text of about {@code words} words; about 1.3 tokens per word for this vocabulary. */
    public static String text(Random rnd, int words) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < words; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            int r = rnd.nextInt(100);
            if (r < 3) {
                sb.append(EXTRAS[rnd.nextInt(EXTRAS.length)]);
            } else {
                String w = WORDS[rnd.nextInt(WORDS.length)];
                sb.append(i == 0 || r < 8 ? Character.toUpperCase(w.charAt(0)) + w.substring(1) : w);
            }
            if (rnd.nextInt(8) == 0) {
                sb.append(PUNCT[rnd.nextInt(PUNCT.length)]);
            }
        }
        return sb.toString();
    }

    /** {@code count} texts of {@code words} words each. */
    public static List<String> texts(long seed, int count, int words) {
        Random rnd = new Random(seed);
        List<String> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(text(rnd, words));
        }
        return out;
    }

    /**
     * {@code count} texts of exactly {@code tokens} tokens each, as {@code tokenCount} counts them: words are
     * added one at a time, and a word that would overshoot is passed over for the next. Equal lengths are
     * the padded engine's best case, a batch with no padding at all.
     */
    public static List<String> textsOfTokens(long seed, int count, int tokens, ToIntFunction<String> tokenCount) {
        Random rnd = new Random(seed);
        List<String> out = new ArrayList<>(count);
        while (out.size() < count) {
            String[] words = text(rnd, tokens * 2).split(" ");
            StringBuilder sb = new StringBuilder();
            for (String w : words) {
                String longer = sb.length() == 0 ? w : sb + " " + w;
                int n = tokenCount.applyAsInt(longer);
                if (n <= tokens) {
                    sb.setLength(0);
                    sb.append(longer);
                    if (n == tokens) {
                        out.add(longer);
                        break;
                    }
                }
            }
        }
        return out;
    }

    /** {@code count} texts whose lengths spread evenly from empty to past {@code maxWords}. */
    public static List<String> spread(long seed, int count, int maxWords) {
        Random rnd = new Random(seed);
        List<String> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(text(rnd, (int) ((long) i * maxWords / Math.max(1, count - 1))));
        }
        return out;
    }
}
