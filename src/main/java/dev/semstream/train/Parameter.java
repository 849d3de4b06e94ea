package dev.semstream.train;

/**
 * One trainable tensor, under its Hugging Face GPT-2 name ({@code GptParameters} order), with its gradient.
 *
 * @param name    e.g. {@code h.0.attn.c_attn.weight}
 * @param value   the live values the model computes with; an optimizer updates them in place
 * @param grad    same length as value; {@link TrainableGpt#forwardBackward} adds into it
 * @param decayed true for 2-D weights (embeddings and dense layers), which take weight decay; norms and biases do not
 */
public record Parameter(String name, float[] value, float[] grad, boolean decayed) {
    public Parameter {
        if (value.length != grad.length) {
            throw new IllegalArgumentException(name + ": " + value.length + " values but " + grad.length + " gradients");
        }
    }
}
