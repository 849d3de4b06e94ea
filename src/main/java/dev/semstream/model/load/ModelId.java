package dev.semstream.model.load;

import dev.semstream.model.BertConfig;
import dev.semstream.model.BertWeights;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * A stable identity for an encoder's numbers, independent of the file format they came in: the same
 * weights read from ONNX or from safetensors (in any float width that round-trips) get the same id. Use it
 * to tag stored embeddings so vectors from different models are never compared.
 *
 * <p>The digest is SHA-256 over a format tag, the config values (seven int32 then the epsilon's float bits,
 * little-endian), then every weight value as little-endian float32 in {@link BertParameters} order, in the
 * engine's layout (Linear weights [in, out]). Changing any of that changes every id, so the tag is versioned.
 */
public final class ModelId {
    private static final byte[] FORMAT_TAG = "semstream-bert-v1".getBytes(StandardCharsets.US_ASCII);

    private ModelId() {
    }

    /** {@code name@} followed by the first 12 hex digits of {@link #digest}. */
    public static String of(String name, BertConfig config, BertWeights weights) {
        return name + "@" + digest(config, weights).substring(0, 12);
    }

    /** The full SHA-256 in lower-case hex. Hashes every weight: ~90 MB for MiniLM-L6, some tens of ms. */
    public static String digest(BertConfig config, BertWeights weights) {
        FloatDigest sha = new FloatDigest().update(FORMAT_TAG);
        ByteBuffer header = ByteBuffer.allocate(8 * 4).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(config.vocabSize()).putInt(config.hiddenSize()).putInt(config.numLayers())
                .putInt(config.numHeads()).putInt(config.intermediateSize()).putInt(config.maxPositions())
                .putInt(config.typeVocabSize()).putInt(Float.floatToRawIntBits(config.layerNormEps()));
        sha.update(header.flip());
        for (ModelParameter<BertWeights> p : BertParameters.of(config)) {
            sha.update(p.values().apply(weights));
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
