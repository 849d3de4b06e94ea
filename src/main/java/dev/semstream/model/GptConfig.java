package dev.semstream.model;

/**
 * Shape of a GPT-2 decoder, the engine's counterpart of nanoGPT's {@code GPTConfig}. Everything else about
 * GPT-2 is fixed by the architecture: pre-LN blocks, learned absolute positions, an MLP four times as wide
 * as the model with tanh-form GELU, biases everywhere, and the output head tied to the token embeddings.
 *
 * @param vocabSize     rows of the token-embedding table, and width of the logits (50257 for GPT-2)
 * @param contextLength rows of the position-embedding table ({@code n_positions}): prompt plus completion
 *                      can never be longer (1024 for GPT-2)
 * @param dim           width of every token vector between blocks ({@code n_embd}: 768 for gpt2, 1600 for -xl)
 * @param layers        number of transformer blocks ({@code n_layer})
 * @param heads         attention heads per block ({@code n_head}); dim must divide evenly by it
 * @param layerNormEps  epsilon inside every layer norm ({@code layer_norm_epsilon}, 1e-5 for GPT-2)
 */
public record GptConfig(int vocabSize, int contextLength, int dim, int layers, int heads, float layerNormEps) {

    public GptConfig {
        require(vocabSize > 0, "vocabSize must be positive, got " + vocabSize);
        require(contextLength > 0, "contextLength must be positive, got " + contextLength);
        require(dim > 0, "dim must be positive, got " + dim);
        require(layers > 0, "layers must be positive, got " + layers);
        require(heads > 0, "heads must be positive, got " + heads);
        require(dim % heads == 0, "dim " + dim + " is not divisible by heads " + heads);
        require(layerNormEps > 0 && layerNormEps < 1, "layerNormEps must be in (0, 1), got " + layerNormEps);
        // Every weight must fit one Java array; the MLP's and the embedding tables are the largest.
        require((long) vocabSize * dim < Integer.MAX_VALUE - 8, "vocabSize x dim is too large for one array");
        require(4L * dim * dim < Integer.MAX_VALUE - 8, "dim " + dim + " is too large");
    }

    /** The 124M-parameter GPT-2 ("gpt2") shape. */
    public static GptConfig gpt2Small() {
        return new GptConfig(50257, 1024, 768, 12, 12, 1e-5f);
    }

    /** Width of one attention head. */
    public int headSize() {
        return dim / heads;
    }

    /** Width of the MLP's hidden layer: always 4 x dim in GPT-2. */
    public int mlpDim() {
        return 4 * dim;
    }

    /** Number of weights, embeddings included (the tied output head counted once). */
    public long parameterCount() {
        long perLayer = 2L * 2 * dim // two layer norms
                + (long) dim * 3 * dim + 3L * dim // qkv
                + (long) dim * dim + dim // attention projection
                + (long) dim * mlpDim() + mlpDim() // MLP up
                + (long) mlpDim() * dim + dim; // MLP down
        return (long) vocabSize * dim + (long) contextLength * dim + layers * perLayer + 2L * dim;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new ModelException("unsupported decoder config: " + message);
        }
    }
}
