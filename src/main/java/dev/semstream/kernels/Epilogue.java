package dev.semstream.kernels;

/** What a GEMM does with {@code x W + bias} before it lands in the output. */
public enum Epilogue {
    /** out = xW + b */
    STORE,
    /** out = gelu(xW + b): the MLP's first layer, fused so the activation costs no extra pass. */
    GELU,
    /** out = gelu_tanh(xW + b): GPT-2's MLP, which uses the tanh approximation of GELU. */
    GELU_TANH,
    /** out += xW + b: a projection added onto the residual stream already in {@code out}. */
    ACCUMULATE
}
