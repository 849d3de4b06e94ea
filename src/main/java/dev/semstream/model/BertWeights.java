package dev.semstream.model;

import java.util.List;

/**
 * Every weight of a BERT-family encoder, in the engine's layout (see {@link Linear}).
 *
 * @param wordEmbeddings     [vocabSize][hiddenSize]
 * @param positionEmbeddings [maxPositions][hiddenSize]
 * @param typeEmbeddings     [typeVocabSize][hiddenSize]
 * @param embeddingNorm      layer norm after the three embeddings are summed
 * @param layers             one entry per transformer block, in order
 */
public record BertWeights(float[] wordEmbeddings, float[] positionEmbeddings, float[] typeEmbeddings,
                          Norm embeddingNorm, List<Layer> layers) {

    /** One post-LN block: attention, residual, norm, MLP, residual, norm. */
    public record Layer(Linear query, Linear key, Linear value, Linear attentionOutput, Norm attentionNorm,
                        Linear intermediate, Linear output, Norm outputNorm) {
    }

    public BertWeights {
        layers = List.copyOf(layers);
    }

    /** Checks every shape against the config; a mismatch names the weight. */
    public void validate(BertConfig c) {
        int h = c.hiddenSize();
        ShapeChecks.size("embeddings.word_embeddings", wordEmbeddings.length, (long) c.vocabSize() * h);
        ShapeChecks.size("embeddings.position_embeddings", positionEmbeddings.length, (long) c.maxPositions() * h);
        ShapeChecks.size("embeddings.token_type_embeddings", typeEmbeddings.length, (long) c.typeVocabSize() * h);
        ShapeChecks.size("embeddings.LayerNorm", embeddingNorm.size(), h);
        ShapeChecks.size("number of layers", layers.size(), c.numLayers());
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            String p = "encoder.layer." + i + ".";
            ShapeChecks.linear(p + "attention.self.query", l.query(), h, h);
            ShapeChecks.linear(p + "attention.self.key", l.key(), h, h);
            ShapeChecks.linear(p + "attention.self.value", l.value(), h, h);
            ShapeChecks.linear(p + "attention.output.dense", l.attentionOutput(), h, h);
            ShapeChecks.size(p + "attention.output.LayerNorm", l.attentionNorm().size(), h);
            ShapeChecks.linear(p + "intermediate.dense", l.intermediate(), h, c.intermediateSize());
            ShapeChecks.linear(p + "output.dense", l.output(), c.intermediateSize(), h);
            ShapeChecks.size(p + "output.LayerNorm", l.outputNorm().size(), h);
        }
    }
}
