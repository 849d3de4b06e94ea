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
        check("embeddings.word_embeddings", wordEmbeddings.length, (long) c.vocabSize() * h);
        check("embeddings.position_embeddings", positionEmbeddings.length, (long) c.maxPositions() * h);
        check("embeddings.token_type_embeddings", typeEmbeddings.length, (long) c.typeVocabSize() * h);
        check("embeddings.LayerNorm", embeddingNorm.size(), h);
        check("number of layers", layers.size(), c.numLayers());
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            String p = "encoder.layer." + i + ".";
            linear(p + "attention.self.query", l.query(), h, h);
            linear(p + "attention.self.key", l.key(), h, h);
            linear(p + "attention.self.value", l.value(), h, h);
            linear(p + "attention.output.dense", l.attentionOutput(), h, h);
            check(p + "attention.output.LayerNorm", l.attentionNorm().size(), h);
            linear(p + "intermediate.dense", l.intermediate(), h, c.intermediateSize());
            linear(p + "output.dense", l.output(), c.intermediateSize(), h);
            check(p + "output.LayerNorm", l.outputNorm().size(), h);
        }
    }

    private static void linear(String name, Linear l, int in, int out) {
        if (l.in() != in || l.out() != out) {
            throw new ModelException(name + " is [" + l.in() + " x " + l.out() + "], expected [" + in + " x " + out + "]");
        }
        if (l.bias() == null) {
            throw new ModelException(name + " has no bias");
        }
    }

    private static void check(String name, long actual, long expected) {
        if (actual != expected) {
            throw new ModelException(name + " has size " + actual + ", expected " + expected);
        }
    }
}
