package dev.semstream.model.load;

import dev.semstream.model.GptConfig;
import dev.semstream.model.GptWeights;
import dev.semstream.model.GptWeights.Layer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The complete list of tensors a {@link GptConfig} calls for, in Hugging Face's order: wte, wpe, then per block
 * ln_1, attn.c_attn, attn.c_proj, ln_2, mlp.c_fc, mlp.c_proj (each weight before its bias), then ln_f. The
 * loader checks a checkpoint against it, the writer writes it, and {@link ModelIds#gpt2} hashes in this order.
 */
public final class GptParameters {
    private GptParameters() {
    }

    public static List<ModelParameter<GptWeights>> of(GptConfig c) {
        int d = c.dim();
        ParameterList<GptWeights> out = ParameterList.conv1D();
        out.table("wte.weight", c.vocabSize(), d, GptWeights::tokenEmbeddings)
                .table("wpe.weight", c.contextLength(), d, GptWeights::positionEmbeddings);
        for (int i = 0; i < c.layers(); i++) {
            int index = i;
            String p = "h." + i + ".";
            out.norm(p + "ln_1", d, w -> w.layers().get(index).attentionNorm())
                    .linear(p + "attn.c_attn", d, 3 * d, w -> w.layers().get(index).qkv())
                    .linear(p + "attn.c_proj", d, d, w -> w.layers().get(index).attentionProjection())
                    .norm(p + "ln_2", d, w -> w.layers().get(index).mlpNorm())
                    .linear(p + "mlp.c_fc", d, c.mlpDim(), w -> w.layers().get(index).mlpUp())
                    .linear(p + "mlp.c_proj", c.mlpDim(), d, w -> w.layers().get(index).mlpDown());
        }
        return out.norm("ln_f", d, GptWeights::finalNorm).toList();
    }

    /** Builds the weights from tensors keyed by name, every one present with its shape already checked. */
    static GptWeights assemble(GptConfig c, Map<String, float[]> t) {
        int d = c.dim();
        List<Layer> layers = new ArrayList<>(c.layers());
        for (int i = 0; i < c.layers(); i++) {
            String p = "h." + i + ".";
            layers.add(new Layer(TensorMap.norm(t, p + "ln_1"), TensorMap.linear(t, p + "attn.c_attn", d, 3 * d),
                    TensorMap.linear(t, p + "attn.c_proj", d, d), TensorMap.norm(t, p + "ln_2"), TensorMap.linear(t, p + "mlp.c_fc", d, c.mlpDim()),
                    TensorMap.linear(t, p + "mlp.c_proj", c.mlpDim(), d)));
        }
        GptWeights w = new GptWeights(TensorMap.get(t, "wte.weight"), TensorMap.get(t, "wpe.weight"), layers, TensorMap.norm(t, "ln_f"));
        w.validate(c);
        return w;
    }
}
