package dev.semstream.model.load;

import dev.semstream.model.BertConfig;
import dev.semstream.model.BertWeights;
import dev.semstream.model.BertWeights.Layer;
import dev.semstream.model.Linear;
import dev.semstream.model.Norm;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The complete list of tensors a {@link BertConfig} calls for, in one canonical order: word, position and
 * token-type embeddings, the embedding norm, then per layer query, key, value, attention output, attention
 * norm, intermediate, output and output norm, each weight before its bias. Every loader checks a checkpoint
 * against this list, the exporter writes it, and {@link ModelId} hashes in this order.
 */
public final class BertParameters {
    private BertParameters() {
    }

    /** Every tensor of an encoder with this config, in canonical order. */
    public static List<BertParameter> of(BertConfig c) {
        int h = c.hiddenSize();
        int inter = c.intermediateSize();
        List<BertParameter> out = new ArrayList<>(5 + 16 * c.numLayers());
        out.add(table("embeddings.word_embeddings.weight", c.vocabSize(), h, BertWeights::wordEmbeddings));
        out.add(table("embeddings.position_embeddings.weight", c.maxPositions(), h, BertWeights::positionEmbeddings));
        out.add(table("embeddings.token_type_embeddings.weight", c.typeVocabSize(), h, BertWeights::typeEmbeddings));
        norm(out, "embeddings.LayerNorm", h, BertWeights::embeddingNorm);
        for (int i = 0; i < c.numLayers(); i++) {
            int index = i;
            String p = layerPrefix(i);
            linear(out, p + "attention.self.query", h, h, w -> w.layers().get(index).query());
            linear(out, p + "attention.self.key", h, h, w -> w.layers().get(index).key());
            linear(out, p + "attention.self.value", h, h, w -> w.layers().get(index).value());
            linear(out, p + "attention.output.dense", h, h, w -> w.layers().get(index).attentionOutput());
            norm(out, p + "attention.output.LayerNorm", h, w -> w.layers().get(index).attentionNorm());
            linear(out, p + "intermediate.dense", h, inter, w -> w.layers().get(index).intermediate());
            linear(out, p + "output.dense", inter, h, w -> w.layers().get(index).output());
            norm(out, p + "output.LayerNorm", h, w -> w.layers().get(index).outputNorm());
        }
        return List.copyOf(out);
    }

    /** {@code encoder.layer.N.} */
    public static String layerPrefix(int layer) {
        return "encoder.layer." + layer + ".";
    }

    /**
     * Builds the weights from tensors already in the engine's layout, keyed by canonical name. The caller
     * has checked shapes against {@link #of(BertConfig)}; a missing name here is a programming error.
     */
    static BertWeights assemble(BertConfig c, Map<String, float[]> t) {
        List<Layer> layers = new ArrayList<>(c.numLayers());
        int h = c.hiddenSize();
        int inter = c.intermediateSize();
        for (int i = 0; i < c.numLayers(); i++) {
            String p = layerPrefix(i);
            layers.add(new Layer(
                    TensorMap.linear(t, p + "attention.self.query", h, h),
                    TensorMap.linear(t, p + "attention.self.key", h, h),
                    TensorMap.linear(t, p + "attention.self.value", h, h),
                    TensorMap.linear(t, p + "attention.output.dense", h, h),
                    TensorMap.norm(t, p + "attention.output.LayerNorm"),
                    TensorMap.linear(t, p + "intermediate.dense", h, inter),
                    TensorMap.linear(t, p + "output.dense", inter, h),
                    TensorMap.norm(t, p + "output.LayerNorm")));
        }
        BertWeights w = new BertWeights(TensorMap.get(t, "embeddings.word_embeddings.weight"),
                TensorMap.get(t, "embeddings.position_embeddings.weight"), TensorMap.get(t, "embeddings.token_type_embeddings.weight"),
                TensorMap.norm(t, "embeddings.LayerNorm"), layers);
        w.validate(c);
        return w;
    }

    private static BertParameter table(String name, int rows, int cols, Function<BertWeights, float[]> values) {
        return new BertParameter(name, new int[]{rows, cols}, false, values);
    }

    private static void norm(List<BertParameter> out, String module, int h, Function<BertWeights, Norm> norm) {
        out.add(new BertParameter(module + ".weight", new int[]{h}, false, w -> norm.apply(w).gamma()));
        out.add(new BertParameter(module + ".bias", new int[]{h}, false, w -> norm.apply(w).beta()));
    }

    private static void linear(List<BertParameter> out, String module, int in, int outSize,
                               Function<BertWeights, Linear> linear) {
        out.add(new BertParameter(module + ".weight", new int[]{in, outSize}, true, w -> linear.apply(w).weight()));
        out.add(new BertParameter(module + ".bias", new int[]{outSize}, false, w -> linear.apply(w).bias()));
    }
}
