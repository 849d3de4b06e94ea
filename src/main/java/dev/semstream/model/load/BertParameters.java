package dev.semstream.model.load;

import dev.semstream.model.BertConfig;
import dev.semstream.model.BertWeights;
import dev.semstream.model.BertWeights.Layer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The complete list of tensors a {@link BertConfig} calls for, in one canonical order: word, position and
 * token-type embeddings, the embedding norm, then per layer query, key, value, attention output, attention
 * norm, intermediate, output and output norm, each weight before its bias. Every loader checks a checkpoint
 * against this list, the exporter writes it, and {@link ModelIds#bert} hashes in this order.
 */
public final class BertParameters {
    private BertParameters() {
    }

    /** Every tensor of an encoder with this config, in canonical order. */
    public static List<ModelParameter<BertWeights>> of(BertConfig c) {
        int h = c.hiddenSize();
        int inter = c.intermediateSize();
        ParameterList<BertWeights> out = ParameterList.nnLinear();
        out.table("embeddings.word_embeddings.weight", c.vocabSize(), h, BertWeights::wordEmbeddings)
                .table("embeddings.position_embeddings.weight", c.maxPositions(), h, BertWeights::positionEmbeddings)
                .table("embeddings.token_type_embeddings.weight", c.typeVocabSize(), h, BertWeights::typeEmbeddings)
                .norm("embeddings.LayerNorm", h, BertWeights::embeddingNorm);
        for (int i = 0; i < c.numLayers(); i++) {
            int index = i;
            String p = layerPrefix(i);
            out.linear(p + "attention.self.query", h, h, w -> w.layers().get(index).query())
                    .linear(p + "attention.self.key", h, h, w -> w.layers().get(index).key())
                    .linear(p + "attention.self.value", h, h, w -> w.layers().get(index).value())
                    .linear(p + "attention.output.dense", h, h, w -> w.layers().get(index).attentionOutput())
                    .norm(p + "attention.output.LayerNorm", h, w -> w.layers().get(index).attentionNorm())
                    .linear(p + "intermediate.dense", h, inter, w -> w.layers().get(index).intermediate())
                    .linear(p + "output.dense", inter, h, w -> w.layers().get(index).output())
                    .norm(p + "output.LayerNorm", h, w -> w.layers().get(index).outputNorm());
        }
        return out.toList();
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
}
