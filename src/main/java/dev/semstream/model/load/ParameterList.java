package dev.semstream.model.load;

import dev.semstream.model.Linear;
import dev.semstream.model.Norm;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Builds a model's {@link ModelParameter} list in order, naming a layer norm's and a dense layer's two tensors
 * the way Hugging Face does: {@code module.weight} then {@code module.bias}.
 */
final class ParameterList<W> {
    private final List<ModelParameter<W>> parameters = new ArrayList<>();
    private final boolean torchTransposedLinears;

    private ParameterList(boolean torchTransposedLinears) {
        this.torchTransposedLinears = torchTransposedLinears;
    }

    /** For a model whose dense layers are PyTorch's nn.Linear, which stores its weight [out, in] (BERT). */
    static <W> ParameterList<W> nnLinear() {
        return new ParameterList<>(true);
    }

    /** For a model whose dense layers are Hugging Face's Conv1D, which stores its weight [in, out] (GPT-2). */
    static <W> ParameterList<W> conv1D() {
        return new ParameterList<>(false);
    }

    /** A [rows, cols] table such as an embedding. */
    ParameterList<W> table(String name, int rows, int cols, Function<W, float[]> values) {
        parameters.add(new ModelParameter<>(name, new int[]{rows, cols}, false, values));
        return this;
    }

    /** A layer norm's gamma ({@code module.weight}) and beta ({@code module.bias}). */
    ParameterList<W> norm(String module, int size, Function<W, Norm> norm) {
        parameters.add(new ModelParameter<>(module + ".weight", new int[]{size}, false, w -> norm.apply(w).gamma()));
        parameters.add(new ModelParameter<>(module + ".bias", new int[]{size}, false, w -> norm.apply(w).beta()));
        return this;
    }

    /** A dense layer's weight, [in, out] in the engine, and its bias. */
    ParameterList<W> linear(String module, int in, int out, Function<W, Linear> linear) {
        parameters.add(new ModelParameter<>(module + ".weight", new int[]{in, out}, torchTransposedLinears,
                w -> linear.apply(w).weight()));
        parameters.add(new ModelParameter<>(module + ".bias", new int[]{out}, false, w -> linear.apply(w).bias()));
        return this;
    }

    List<ModelParameter<W>> toList() {
        return List.copyOf(parameters);
    }
}
