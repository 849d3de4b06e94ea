package dev.semstream.model;

/**
 * Shape of a BERT-family encoder. Everything the engine needs to run a checkpoint, nothing more;
 * the same field names as a Hugging Face {@code config.json}.
 *
 * @param vocabSize        rows of the word-embedding table
 * @param hiddenSize       width of every token vector between blocks
 * @param numLayers        number of transformer blocks
 * @param numHeads         attention heads per block; hiddenSize must divide evenly by it
 * @param intermediateSize width of the MLP's hidden layer (usually 4 x hiddenSize)
 * @param maxPositions     rows of the position-embedding table: the longest input the model can read
 * @param typeVocabSize    rows of the token-type (segment) table, 2 for BERT
 * @param layerNormEps     epsilon inside every layer norm
 */
public record BertConfig(int vocabSize, int hiddenSize, int numLayers, int numHeads, int intermediateSize,
                         int maxPositions, int typeVocabSize, float layerNormEps) {

    public BertConfig {
        require(vocabSize > 0, "vocabSize must be positive, got " + vocabSize);
        require(hiddenSize > 0, "hiddenSize must be positive, got " + hiddenSize);
        require(numLayers > 0, "numLayers must be positive, got " + numLayers);
        require(numHeads > 0, "numHeads must be positive, got " + numHeads);
        require(hiddenSize % numHeads == 0,
                "hiddenSize " + hiddenSize + " is not divisible by numHeads " + numHeads);
        require(intermediateSize > 0, "intermediateSize must be positive, got " + intermediateSize);
        require(maxPositions > 0, "maxPositions must be positive, got " + maxPositions);
        require(typeVocabSize > 0, "typeVocabSize must be positive, got " + typeVocabSize);
        require(layerNormEps > 0 && layerNormEps < 1, "layerNormEps must be in (0, 1), got " + layerNormEps);
    }

    /** Width of one attention head. */
    public int headSize() {
        return hiddenSize / numHeads;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new ModelException("unsupported encoder config: " + message);
        }
    }
}
