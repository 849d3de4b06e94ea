package dev.semstream.model.load;

import dev.semstream.model.GptConfig;
import dev.semstream.model.GptWeights;
import dev.semstream.model.GptWeights.Layer;
import dev.semstream.model.Linear;
import dev.semstream.model.Norm;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The complete list of tensors a {@link GptConfig} calls for, in Hugging Face's order: wte, wpe, then per block
 * ln_1, attn.c_attn, attn.c_proj, ln_2, mlp.c_fc, mlp.c_proj (each weight before its bias), then ln_f. The
 * loader checks a checkpoint against it, the writer writes it, and {@link GptModelId} hashes in this order.
 */
public final class GptParameters {
    private GptParameters() {
    }

    public static List<GptParameter> of(GptConfig c) {
        int d = c.dim();
        List<GptParameter> out = new ArrayList<>(4 + 12 * c.layers());
        out.add(new GptParameter("wte.weight", new int[]{c.vocabSize(), d}, GptWeights::tokenEmbeddings));
        out.add(new GptParameter("wpe.weight", new int[]{c.contextLength(), d}, GptWeights::positionEmbeddings));
        for (int i = 0; i < c.layers(); i++) {
            int index = i;
            String p = "h." + i + ".";
            norm(out, p + "ln_1", d, w -> w.layers().get(index).attentionNorm());
            linear(out, p + "attn.c_attn", d, 3 * d, w -> w.layers().get(index).qkv());
            linear(out, p + "attn.c_proj", d, d, w -> w.layers().get(index).attentionProjection());
            norm(out, p + "ln_2", d, w -> w.layers().get(index).mlpNorm());
            linear(out, p + "mlp.c_fc", d, c.mlpDim(), w -> w.layers().get(index).mlpUp());
            linear(out, p + "mlp.c_proj", c.mlpDim(), d, w -> w.layers().get(index).mlpDown());
        }
        norm(out, "ln_f", d, GptWeights::finalNorm);
        return List.copyOf(out);
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

    private static void norm(List<GptParameter> out, String module, int d, Function<GptWeights, Norm> norm) {
        out.add(new GptParameter(module + ".weight", new int[]{d}, w -> norm.apply(w).gamma()));
        out.add(new GptParameter(module + ".bias", new int[]{d}, w -> norm.apply(w).beta()));
    }

    private static void linear(List<GptParameter> out, String module, int in, int outSize,
                               Function<GptWeights, Linear> linear) {
        out.add(new GptParameter(module + ".weight", new int[]{in, outSize}, w -> linear.apply(w).weight()));
        out.add(new GptParameter(module + ".bias", new int[]{outSize}, w -> linear.apply(w).bias()));
    }
}
