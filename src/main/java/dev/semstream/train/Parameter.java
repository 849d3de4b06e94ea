package dev.semstream.train;

/**
 * One trainable tensor, under its Hugging Face GPT-2 name (GptParameters order), with its gradient.
 *
 * @param name    e.g. {@code h.0.attn.c_attn.weight}
 * @param value   the live values the model computes with; the optimizer updates them in place
 * @param grad    the gradient, same length, summed into by the backward pass
 * @param decayed true for the 2-D weights (embeddings, projections), which weight decay pulls toward zero;
 *                false for norms and biases, which it leaves alone
 */
public record Parameter(String name, float[] value, float[] grad, boolean decayed) {
}
