package dev.semstream.model;

/**
 * A dense layer {@code y = x W + b}. The weight is stored row-major as [in][out], the layout ONNX
 * MatMul initializers and GPT-2's Conv1D use; PyTorch's [out][in] Linear weights are transposed on load.
 */
public record Linear(float[] weight, float[] bias, int in, int out) {
    public Linear {
        if (weight.length != (long) in * out) {
            throw new ModelException("linear weight has " + weight.length + " values, expected " + in + " x " + out);
        }
        if (bias != null && bias.length != out) {
            throw new ModelException("linear bias has " + bias.length + " values, expected " + out);
        }
    }
}
