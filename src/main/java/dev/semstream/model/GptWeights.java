package dev.semstream.model;

import java.util.List;

/**
 * Every weight of a GPT-2 decoder, in the engine's layout (see {@link Linear}: [in][out], which is also how
 * GPT-2's Conv1D stores them, so loading needs no transpose).
 *
 * @param tokenEmbeddings    [vocabSize][dim] ({@code wte}); also the output head, transposed
 * @param positionEmbeddings [contextLength][dim] ({@code wpe})
 * @param layers             one entry per block, in order
 * @param finalNorm          the layer norm after the last block ({@code ln_f})
 */
public record GptWeights(float[] tokenEmbeddings, float[] positionEmbeddings, List<Layer> layers, Norm finalNorm) {

    /**
     * One pre-LN block: {@code x += proj(attention(ln1(x)))}, {@code x += down(gelu(up(ln2(x))))}.
     *
     * @param attentionNorm       {@code ln_1}
     * @param qkv                 {@code attn.c_attn}: [dim][3 dim], query, key and value side by side
     * @param attentionProjection {@code attn.c_proj}: [dim][dim]
     * @param mlpNorm             {@code ln_2}
     * @param mlpUp               {@code mlp.c_fc}: [dim][4 dim]
     * @param mlpDown             {@code mlp.c_proj}: [4 dim][dim]
     */
    public record Layer(Norm attentionNorm, Linear qkv, Linear attentionProjection, Norm mlpNorm, Linear mlpUp,
                        Linear mlpDown) {
    }

    public GptWeights {
        layers = List.copyOf(layers);
    }

    /** Checks every shape against the config; a mismatch names the weight as Hugging Face does. */
    public void validate(GptConfig c) {
        int d = c.dim();
        ShapeChecks.size("wte", tokenEmbeddings.length, (long) c.vocabSize() * d);
        ShapeChecks.size("wpe", positionEmbeddings.length, (long) c.contextLength() * d);
        ShapeChecks.size("number of layers", layers.size(), c.layers());
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            String p = "h." + i + ".";
            ShapeChecks.size(p + "ln_1", l.attentionNorm().size(), d);
            ShapeChecks.linear(p + "attn.c_attn", l.qkv(), d, 3 * d);
            ShapeChecks.linear(p + "attn.c_proj", l.attentionProjection(), d, d);
            ShapeChecks.size(p + "ln_2", l.mlpNorm().size(), d);
            ShapeChecks.linear(p + "mlp.c_fc", l.mlpUp(), d, c.mlpDim());
            ShapeChecks.linear(p + "mlp.c_proj", l.mlpDown(), c.mlpDim(), d);
        }
        ShapeChecks.size("ln_f", finalNorm.size(), d);
    }
}
