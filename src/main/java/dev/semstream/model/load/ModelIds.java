package dev.semstream.model.load;

import dev.semstream.model.BertConfig;
import dev.semstream.model.BertWeights;
import dev.semstream.model.GptConfig;
import dev.semstream.model.GptWeights;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

/**
 * A model's identity, independent of the file format its numbers came in: {@code name@} and the first 12 hex
 * digits of SHA-256 over a format tag, the config's sizes as int32 and its layer-norm epsilon's float bits
 * (little-endian), then every weight value as little-endian float32 in parameter-list order, in the engine's
 * layout. The same weights read from ONNX or safetensors, in F32 or in F16/BF16 that widen to them, get the
 * same id. Stored embeddings carry the encoder's, so vectors of different models are never compared;
 * completions carry the decoder's. Changing a tag, the sizes' order or a parameter list changes every id of
 * that model, so the tags carry a version.
 */
public final class ModelIds {
    private static final int ID_HEX_DIGITS = 12;

    private ModelIds() {
    }

    /** A BERT encoder's id. */
    public static String bert(String name, BertConfig config, BertWeights weights) {
        return name + "@" + bertDigest(config, weights).substring(0, ID_HEX_DIGITS);
    }

    /** A GPT-2 decoder's id. */
    public static String gpt2(String name, GptConfig config, GptWeights weights) {
        return name + "@" + gpt2Digest(config, weights).substring(0, ID_HEX_DIGITS);
    }

    /**
     * The full SHA-256 of a BERT encoder in lower-case hex: sizes vocab, hidden, layers, heads, intermediate,
     * positions, token types; weights in {@link BertParameters} order. ~90 MB for MiniLM-L6, some tens of ms.
     */
    public static String bertDigest(BertConfig c, BertWeights weights) {
        int[] sizes = {c.vocabSize(), c.hiddenSize(), c.numLayers(), c.numHeads(), c.intermediateSize(),
                c.maxPositions(), c.typeVocabSize()};
        return sha256("semstream-bert-v1", sizes, c.layerNormEps(), BertParameters.of(c), weights);
    }

    /**
     * The full SHA-256 of a GPT-2 decoder in lower-case hex: sizes vocab, context length, dim, layers, heads;
     * weights in {@link GptParameters} order. About a second for GPT-2 small.
     */
    public static String gpt2Digest(GptConfig c, GptWeights weights) {
        int[] sizes = {c.vocabSize(), c.contextLength(), c.dim(), c.layers(), c.heads()};
        return sha256("semstream-gpt2-v1", sizes, c.layerNormEps(), GptParameters.of(c), weights);
    }

    private static <W> String sha256(String formatTag, int[] sizes, float layerNormEps,
                                     List<ModelParameter<W>> parameters, W weights) {
        FloatDigest sha = new FloatDigest().update(formatTag.getBytes(StandardCharsets.US_ASCII));
        ByteBuffer config = ByteBuffer.allocate((sizes.length + 1) * Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (int size : sizes) {
            config.putInt(size);
        }
        sha.update(config.putInt(Float.floatToRawIntBits(layerNormEps)).flip());
        for (ModelParameter<W> p : parameters) {
            sha.update(p.values().apply(weights));
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
