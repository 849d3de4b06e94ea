package dev.semstream.model.load;

import java.util.Arrays;
import java.util.function.Function;

/**
 * One named tensor of a model ({@link BertParameters} and {@link GptParameters} list them all), under its
 * Hugging Face name without a task model's prefix ({@code bert.}, {@code transformer.}).
 *
 * @param name            e.g. {@code encoder.layer.0.attention.self.query.weight} or {@code h.0.attn.c_attn.weight}
 * @param shape           shape in the engine's layout: Linear weights are [in, out]
 * @param torchTransposed true for a weight PyTorch stores as [out, in] (BERT's nn.Linear); GPT-2's Conv1D
 *                        stores [in, out] like the engine, so none of its tensors is
 * @param values          reads this tensor's values out of assembled weights
 * @param <W>             the model's weights record
 */
public record ModelParameter<W>(String name, int[] shape, boolean torchTransposed, Function<W, float[]> values) {
    public ModelParameter {
        shape = shape.clone();
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    /** The shape as a PyTorch checkpoint stores it. */
    public long[] torchShape() {
        return torchTransposed ? new long[]{shape[1], shape[0]} : Arrays.stream(shape).asLongStream().toArray();
    }

    /** This tensor's values in the layout of {@link #torchShape}. */
    public float[] torchValues(W weights) {
        float[] v = values.apply(weights);
        return torchTransposed ? Transpose.of(v, shape[0], shape[1]) : v;
    }

    /** Values read in the layout of {@link #torchShape}, in the engine's. */
    float[] fromTorch(float[] stored) {
        return torchTransposed ? Transpose.of(stored, shape[1], shape[0]) : stored;
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape);
    }
}
