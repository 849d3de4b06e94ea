package dev.semstream.model.load;

import dev.semstream.model.BertWeights;

import java.util.Arrays;
import java.util.function.Function;

/**
 * One named tensor of a BERT encoder, under its Hugging Face name without the {@code bert.} prefix.
 *
 * @param name         e.g. {@code encoder.layer.0.attention.self.query.weight}
 * @param shape        shape in the engine's layout: Linear weights are [in, out]
 * @param linearWeight true for a dense layer's weight, which PyTorch stores transposed as [out, in]
 * @param values       reads this tensor's values out of assembled weights
 */
public record BertParameter(String name, int[] shape, boolean linearWeight, Function<BertWeights, float[]> values) {
    public BertParameter {
        shape = shape.clone();
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    /** Number of values. */
    public long elementCount() {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    /** The shape as PyTorch stores it: Linear weights as [out, in], everything else unchanged. */
    public int[] torchShape() {
        return linearWeight ? new int[]{shape[1], shape[0]} : shape.clone();
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape);
    }
}
