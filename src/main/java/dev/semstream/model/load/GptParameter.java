package dev.semstream.model.load;

import dev.semstream.model.GptWeights;

import java.util.Arrays;
import java.util.function.Function;

/**
 * One named tensor of a GPT-2 decoder, under its Hugging Face name without the {@code transformer.} prefix.
 * GPT-2's Conv1D stores weights [in, out], the engine's layout, so the shape is the same in both.
 *
 * @param name   e.g. {@code h.0.attn.c_attn.weight}
 * @param shape  e.g. [768, 2304]
 * @param values reads this tensor's values out of assembled weights
 */
public record GptParameter(String name, int[] shape, Function<GptWeights, float[]> values) {
    public GptParameter {
        shape = shape.clone();
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    long[] longShape() {
        return Arrays.stream(shape).asLongStream().toArray();
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape);
    }
}
