package dev.semstream.model;

import dev.semstream.kernels.Kernels;
import dev.semstream.tokenize.Encoding;
import dev.semstream.tokenize.Tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Text in, sentence embeddings out: tokenizer, BERT forward pass and pooling, with the model card's prefixes
 * put in front of queries and passages. Thread-safe; calls may run concurrently, and each batch already uses
 * every core.
 */
public final class Encoder {
    private final String modelId;
    private final Tokenizer tokenizer;
    private final BertEncoderModel model;
    private final ModelCard card;
    private final EncoderOptions options;

    /** An encoder of a model with no card of its own ({@link ModelCard#PLAIN}). */
    public Encoder(String modelId, Tokenizer tokenizer, BertEncoderModel model, EncoderOptions options) {
        this(modelId, tokenizer, model, ModelCard.PLAIN, options);
    }

    /**
     * @param modelId stamped on every vector this encoder makes: name plus a hash of the weights
     * @param card    the prefixes, and the defaults of what {@code options} leave open
     * @param options {@code maxTokens} above the model's positions is lowered to them: the model cannot
     *                read further, so truncation happens there
     */
    public Encoder(String modelId, Tokenizer tokenizer, BertEncoderModel model, ModelCard card, EncoderOptions options) {
        this.modelId = Objects.requireNonNull(modelId, "modelId");
        this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
        this.model = Objects.requireNonNull(model, "model");
        this.card = Objects.requireNonNull(card, "card");
        EncoderOptions complete = Objects.requireNonNull(options, "options").completedBy(card);
        this.options = complete.withMaxTokens(Math.min(complete.maxTokens(), model.config().maxPositions()));
    }

    /** Name and weight hash of the model, e.g. {@code all-MiniLM-L6-v2@3f2a9c1e07b4}. */
    public String modelId() {
        return modelId;
    }

    /** Length of every vector. */
    public int dimensions() {
        return model.config().hiddenSize();
    }

    /** The options in force: the caller's, with what they left open taken from the card. */
    public EncoderOptions options() {
        return options;
    }

    public ModelCard card() {
        return card;
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    /** This encoder with other options (left-open ones again from the card), sharing the loaded weights. */
    public Encoder withOptions(EncoderOptions newOptions) {
        return new Encoder(modelId, tokenizer, model, card, newOptions);
    }

    /**
     * Embeds a search query: the text a user searches with, not one the store keeps. The card's query
     * prefix or instruction goes in front; {@link #embed} is for the texts searched over.
     */
    public TextVector embedQuery(String text) {
        Objects.requireNonNull(text, "text must not be null");
        return embed(List.of(text), card.queryPrefix(), BatchTimings.NONE).get(0);
    }

    /** Embeds one text that is stored and searched over (the card's passage prefix goes in front). */
    public TextVector embed(String text) {
        return embed(List.of(Objects.requireNonNull(text, "text must not be null"))).get(0);
    }

    /**
     * Embeds a batch of texts that are stored and searched over, one result per text in order, each behind
     * the card's passage prefix. Batching amortises the weight traffic: a batch of 32 short texts costs far
     * less than 32 single calls.
     *
     * @throws NullPointerException if the list or any text is null (the message names the index)
     */
    public List<TextVector> embed(List<String> texts) {
        return embed(texts, BatchTimings.NONE);
    }

    /** {@link #embed(List)}, telling {@code timings} how long tokenizing and encoding the batch took. */
    public List<TextVector> embed(List<String> texts, BatchTimings timings) {
        return embed(texts, card.passagePrefix(), timings);
    }

    /**
     * The prefix is joined to the text before tokenizing, as the model's authors (and Hugging Face's
     * tokenizer) do; it costs one string per text, and none when the card has no prefix. Its tokens count
     * towards {@code maxTokens}.
     */
    private List<TextVector> embed(List<String> texts, String prefix, BatchTimings timings) {
        Objects.requireNonNull(texts, "texts must not be null");
        int n = texts.size();
        if (n == 0) {
            return List.of();
        }
        // Every text becomes one sequence, or several windows in chunk-and-average mode; all of them
        // go through one forward pass.
        List<int[]> sequences = new ArrayList<>(n);
        int[] firstWindow = new int[n + 1];
        boolean[] truncated = new boolean[n];
        boolean chunk = options.longTexts() == LongTexts.CHUNK_AVERAGE;
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            String text = texts.get(i);
            if (text == null) {
                throw new NullPointerException("text " + i + " of the batch is null");
            }
            firstWindow[i] = sequences.size();
            Encoding e = tokenizer.encode(prefixed(prefix, text), chunk ? Integer.MAX_VALUE : options.maxTokens());
            if (e.tokenCount() <= options.maxTokens()) {
                sequences.add(e.ids());
                truncated[i] = e.truncated();
            } else {
                sequences.addAll(windows(e.ids(), options.maxTokens()));
            }
        }
        firstWindow[n] = sequences.size();
        int[][] ids = sequences.toArray(new int[0][]);
        long tokenized = System.nanoTime();
        List<TextVector> vectors = model.forward(ids, (hidden, seqs, h) -> {
            List<TextVector> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                out.add(combine(hidden, seqs, firstWindow[i], firstWindow[i + 1], h, truncated[i]));
            }
            return out;
        });
        timings.record(tokenized - start, System.nanoTime() - tokenized);
        return vectors;
    }

    /**
     * The attention weights of every layer and head over one text, tokenized as {@link #embed} does (passage
     * prefix included, so the map shows what the stored vector was made from) but cut to
     * at most {@code maxTokens} tokens (special tokens included; never more than {@link EncoderOptions#maxTokens}):
     * what the model's heads look at, for inspection.
     *
     * @throws IllegalArgumentException if maxTokens cannot hold the special tokens
     */
    public AttentionMap attention(String text, int maxTokens) {
        Objects.requireNonNull(text, "text must not be null");
        Encoding e = tokenizer.encode(prefixed(card.passagePrefix(), text), Math.min(maxTokens, options.maxTokens()));
        BertConfig c = model.config();
        AttentionCollector collector = new AttentionCollector(c.numLayers(), c.numHeads(), e.tokenCount());
        model.forward(new int[][]{e.ids()}, collector, (hidden, seqs, h) -> null);
        return collector.map(e.ids(), e.truncated(), false);
    }

    private static String prefixed(String prefix, String text) {
        return prefix.isEmpty() ? text : prefix + text;
    }

    /**
     * Cuts a sequence framed by one leading and one trailing special token ({@code [CLS] ... [SEP]})
     * into windows of at most {@code max} tokens, each framed the same way.
     */
    static List<int[]> windows(int[] ids, int max) {
        int body = max - 2;
        List<int[]> out = new ArrayList<>();
        for (int from = 1; from < ids.length - 1; from += body) {
            int to = Math.min(ids.length - 1, from + body);
            int[] w = new int[to - from + 2];
            w[0] = ids[0];
            System.arraycopy(ids, from, w, 1, to - from);
            w[w.length - 1] = ids[ids.length - 1];
            out.add(w);
        }
        return out;
    }

    /** One text's embedding from its windows: the token-weighted mean of the pooled windows. */
    private TextVector combine(float[] hidden, Attention.Sequence[] seqs, int from, int to, int h, boolean truncated) {
        if (to - from == 1) {
            float[] v = pool(hidden, seqs[from], h);
            normalizeIfAsked(v);
            return new TextVector(v, seqs[from].length(), truncated);
        }
        Kernels k = model.kernels();
        float[] sum = new float[h];
        int tokens = 0;
        for (int s = from; s < to; s++) {
            k.axpy(seqs[s].length(), pool(hidden, seqs[s], h), 0, sum, 0, h);
            tokens += seqs[s].length();
        }
        k.scale(sum, 0, h, 1f / tokens);
        normalizeIfAsked(sum);
        return new TextVector(sum, tokens, false);
    }

    private float[] pool(float[] hidden, Attention.Sequence s, int h) {
        Kernels k = model.kernels();
        float[] v = new float[h];
        if (options.pooling() == Pooling.CLS) {
            System.arraycopy(hidden, s.start() * h, v, 0, h);
        } else {
            for (int t = 0; t < s.length(); t++) {
                k.add(hidden, (s.start() + t) * h, v, 0, h);
            }
            k.scale(v, 0, h, 1f / s.length());
        }
        return v;
    }

    private void normalizeIfAsked(float[] v) {
        if (options.normalize()) {
            Kernels k = model.kernels();
            float norm = (float) Math.sqrt(k.sumOfSquares(v, 0, v.length));
            // Same floor as sentence-transformers' F.normalize, so an all-zero vector stays zero.
            k.scale(v, 0, v.length, 1f / Math.max(norm, 1e-12f));
        }
    }
}
