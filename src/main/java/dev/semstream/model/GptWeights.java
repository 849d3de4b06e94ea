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
        check("wte", tokenEmbeddings.length, (long) c.vocabSize() * d);
        check("wpe", positionEmbeddings.length, (long) c.contextLength() * d);
        check("number of layers", layers.size(), c.layers());
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            String p = "h." + i + ".";
            check(p + "ln_1", l.attentionNorm().size(), d);
            linear(p + "attn.c_attn", l.qkv(), d, 3 * d);
            linear(p + "attn.c_proj", l.attentionProjection(), d, d);
            check(p + "ln_2", l.mlpNorm().size(), d);
            linear(p + "mlp.c_fc", l.mlpUp(), d, c.mlpDim());
            linear(p + "mlp.c_proj", l.mlpDown(), c.mlpDim(), d);
        }
        check("ln_f", finalNorm.size(), d);
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
