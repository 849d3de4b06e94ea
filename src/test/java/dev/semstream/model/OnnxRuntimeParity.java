package dev.semstream.model;

import dev.semstream.reference.OnnxRuntimeEncoder;
import dev.semstream.tokenize.Tokenizer;

import java.util.List;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Our encoder against ONNX Runtime on the same ONNX file, the same token ids (the card's prefix joined to each
 * text on both sides) and the same pooling: every embedding must have cosine >= 0.99999 and max abs
 * difference <= 1e-4.
 */
final class OnnxRuntimeParity {
    static final double MIN_COSINE = 0.99999;
    static final double MAX_ABS_DIFF = 1e-4;

    /** The worst of a run, and the token lengths it covered. */
    record Figures(int texts, int minTokens, int maxTokens, int truncated, double worstCosine, double worstDiff) {
    }

    private OnnxRuntimeParity() {
    }

    /**
     * @param ours   our side of a batch: {@link Encoder#embed(List)} for passages, or the batch's texts through
     *               {@link Encoder#embedQuery} for queries
     * @param prefix what {@code ours} puts before each text, put before it on ONNX Runtime's side too
     */
    static Figures check(Encoder enc, Function<List<String>, List<TextVector>> ours, String prefix,
                         OnnxRuntimeEncoder reference, List<String> texts, int batch) {
        Tokenizer tokenizer = enc.tokenizer();
        int minTokens = Integer.MAX_VALUE;
        int maxTokens = 0;
        int truncated = 0;
        double worstCosine = 1;
        double worstDiff = 0;
        for (int from = 0; from < texts.size(); from += batch) {
            List<String> chunk = texts.subList(from, Math.min(texts.size(), from + batch));
            List<TextVector> mine = ours.apply(chunk);
            int[][] ids = new int[chunk.size()][];
            for (int i = 0; i < chunk.size(); i++) {
                ids[i] = tokenizer.encode(prefix + chunk.get(i), enc.options().maxTokens()).ids();
            }
            float[][] theirs = reference.embed(ids);
            for (int i = 0; i < chunk.size(); i++) {
                TextVector e = mine.get(i);
                assertEquals(ids[i].length, e.tokenCount(), "token count of text " + (from + i));
                minTokens = Math.min(minTokens, e.tokenCount());
                maxTokens = Math.max(maxTokens, e.tokenCount());
                truncated += e.truncated() ? 1 : 0;
                double cos = EncoderParityTest.cosine(e.vector(), theirs[i]);
                double diff = EncoderParityTest.maxAbsDiff(e.vector(), theirs[i]);
                worstCosine = Math.min(worstCosine, cos);
                worstDiff = Math.max(worstDiff, diff);
                String what = "text " + (from + i) + " (" + e.tokenCount() + " tokens): cosine " + cos
                        + ", max abs diff " + diff;
                assertTrue(cos >= MIN_COSINE, what);
                assertTrue(diff <= MAX_ABS_DIFF, what);
            }
        }
        Figures f = new Figures(texts.size(), minTokens, maxTokens, truncated, worstCosine, worstDiff);
        System.out.printf("parity %s%s: %d texts, %d..%d tokens, %d truncated, worst cosine %.8f, worst max abs diff %.2e%n",
                enc.modelId(), prefix.isEmpty() ? "" : " (prefix '" + prefix + "')", f.texts(), f.minTokens(),
                f.maxTokens(), f.truncated(), f.worstCosine(), f.worstDiff());
        return f;
    }

    /** Passages: the batch through {@link Encoder#embed(List)}, behind the card's passage prefix. */
    static Figures passages(Encoder enc, OnnxRuntimeEncoder reference, List<String> texts, int batch) {
        return check(enc, enc::embed, enc.card().passagePrefix(), reference, texts, batch);
    }

    /** Queries: each text through {@link Encoder#embedQuery}, behind the card's query prefix. */
    static Figures queries(Encoder enc, OnnxRuntimeEncoder reference, List<String> texts, int batch) {
        return check(enc, chunk -> chunk.stream().map(enc::embedQuery).toList(), enc.card().queryPrefix(),
                reference, texts, batch);
    }
}
