package dev.semstream.model.load;

import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Recognizes canonical BERT tensor names (Hugging Face's, without the {@code bert.} prefix). */
final class BertNames {
    private static final Pattern CANONICAL = Pattern.compile(
            "embeddings\\.(word_embeddings|position_embeddings|token_type_embeddings)\\.weight"
                    + "|embeddings\\.LayerNorm\\.(weight|bias)"
                    + "|encoder\\.layer\\.(0|[1-9][0-9]*)\\.(attention\\.self\\.(query|key|value)|attention\\.output\\.dense"
                    + "|attention\\.output\\.LayerNorm|intermediate\\.dense|output\\.dense|output\\.LayerNorm)\\.(weight|bias)");
    private static final Pattern LINEAR_WEIGHT = Pattern.compile(
            "encoder\\.layer\\.\\d+\\.(attention\\.self\\.(query|key|value)|attention\\.output\\.dense|intermediate\\.dense|output\\.dense)\\.weight");
    private static final Pattern LAYER = Pattern.compile("encoder\\.layer\\.(\\d+)\\..*");

    /** The prefix BertFor* task models put before the encoder's tensors. */
    static final String MODEL_PREFIX = "bert.";

    private BertNames() {
    }

    static boolean isCanonical(String name) {
        return CANONICAL.matcher(name).matches();
    }

    /** A dense layer's weight, stored [out, in] by PyTorch and [in, out] by the engine. */
    static boolean isLinearWeight(String name) {
        return LINEAR_WEIGHT.matcher(name).matches();
    }

    /** The layer index of an {@code encoder.layer.N.*} name. */
    static OptionalInt layerIndex(String name) {
        Matcher m = LAYER.matcher(name);
        return m.matches() ? OptionalInt.of(Integer.parseInt(m.group(1))) : OptionalInt.empty();
    }

    static String stripModelPrefix(String name) {
        return name.startsWith(MODEL_PREFIX) ? name.substring(MODEL_PREFIX.length()) : name;
    }
}
