package dev.semstream.model.load;

import dev.semstream.model.GptConfig;
import dev.semstream.model.GptWeights;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * A decoder's identity, as {@link ModelId} is the encoder's: {@code name@} and the first 12 hex digits of
 * SHA-256 over a format tag, the config (five int32 then the epsilon's float bits, little-endian), then every
 * weight as little-endian float32 in {@link GptParameters} order. The same numbers in F32, or in F16/BF16
 * that widen to them, give the same id; completions are stamped with it.
 */
public final class GptModelId {
    private static final byte[] FORMAT_TAG = "semstream-gpt2-v1".getBytes(StandardCharsets.US_ASCII);

    private GptModelId() {
    }

    public static String of(String name, GptConfig config, GptWeights weights) {
        return name + "@" + digest(config, weights).substring(0, 12);
    }

    /** The full SHA-256 in lower-case hex. Hashes every weight: about a second for GPT-2 small. */
    public static String digest(GptConfig config, GptWeights weights) {
        FloatDigest sha = new FloatDigest().update(FORMAT_TAG);
        sha.update(ByteBuffer.allocate(6 * 4).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(config.vocabSize()).putInt(config.contextLength()).putInt(config.dim())
                .putInt(config.layers()).putInt(config.heads()).putInt(Float.floatToRawIntBits(config.layerNormEps()))
                .flip());
        for (ModelParameter<GptWeights> p : GptParameters.of(config)) {
            sha.update(p.values().apply(weights));
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
