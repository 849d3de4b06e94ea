package dev.semstream.topology;

import dev.semstream.store.VectorEncoding;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;

/**
 * How each model's indexes hold vectors ({@code run --vector-encoding}): one encoding for every model, or one
 * per model with a default for the rest, e.g. {@code float,bge-small-en-v1.5=int8}. A model is named by its
 * id ({@code bge-small-en-v1.5@1a2b3c4d5e6f}) or by its name alone (the id before {@code @}), which covers
 * every checkpoint of that name; a full id wins over its name. The model being built by a re-embedding gets
 * its own entry when its indexes open, like any other.
 *
 * @param fallback every model not named
 * @param byModel  by model id or name, in the order given
 */
public record VectorEncodings(VectorEncoding fallback, Map<String, VectorEncoding> byModel) {
    private static final char ID_SEPARATOR = '@';

    public VectorEncodings {
        Objects.requireNonNull(fallback, "fallback");
        byModel = Collections.unmodifiableMap(new LinkedHashMap<>(byModel));
        byModel.forEach((model, encoding) -> {
            if (model.isBlank()) {
                throw new IllegalArgumentException("a model name in a vector encoding list is empty");
            }
            Objects.requireNonNull(encoding, "encoding of " + model);
        });
    }

    /** One encoding for every model. */
    public static VectorEncodings of(VectorEncoding every) {
        return new VectorEncodings(every, Map.of());
    }

    /**
     * Reads the user's form: {@code ENC}, or {@code MODEL=ENC[,MODEL=ENC...]} with at most one bare {@code ENC}
     * anywhere in the list as the default (float when none is given).
     *
     * @throws IllegalArgumentException naming what is wrong: an unknown encoding, an empty item or model, a
     *                                  model or a default given twice
     */
    public static VectorEncodings parse(String value) {
        Objects.requireNonNull(value, "value");
        VectorEncoding fallback = null;
        Map<String, VectorEncoding> byModel = new LinkedHashMap<>();
        for (String raw : value.split(",", -1)) {
            String item = raw.strip();
            if (item.isEmpty()) {
                throw new IllegalArgumentException("empty item in vector encodings '" + value
                        + "'; expected ENCODING or MODEL=ENCODING, separated by commas");
            }
            int eq = item.indexOf('=');
            if (eq < 0) {
                if (fallback != null) {
                    throw new IllegalArgumentException("two default vector encodings in '" + value + "' ("
                            + fallback.userName() + " and " + item + "); give one, and MODEL=ENCODING for the others");
                }
                fallback = VectorEncoding.parse(item);
                continue;
            }
            String model = item.substring(0, eq).strip();
            String encoding = item.substring(eq + 1).strip();
            if (model.isEmpty()) {
                throw new IllegalArgumentException("no model before '=' in '" + item + "'; expected MODEL=ENCODING");
            }
            VectorEncoding parsed = VectorEncoding.parse(encoding);
            if (byModel.putIfAbsent(model, parsed) != null) {
                throw new IllegalArgumentException("model " + model + " is given twice in vector encodings '"
                        + value + "'");
            }
        }
        return new VectorEncodings(fallback == null ? VectorEncoding.FLOAT : fallback, byModel);
    }

    /** The encoding of a model's indexes: its id's entry, else its name's, else the default. */
    public VectorEncoding forModel(String modelId) {
        VectorEncoding exact = byModel.get(modelId);
        if (exact != null) {
            return exact;
        }
        int at = modelId.lastIndexOf(ID_SEPARATOR);
        if (at > 0) {
            VectorEncoding byName = byModel.get(modelId.substring(0, at));
            if (byName != null) {
                return byName;
            }
        }
        return fallback;
    }

    /** The form {@link #parse} reads: the default, then each model's, e.g. {@code float,bge-small-en-v1.5=int8}. */
    @Override
    public String toString() {
        StringJoiner out = new StringJoiner(",");
        out.add(fallback.userName());
        byModel.forEach((model, encoding) -> out.add(model + "=" + encoding.userName()));
        return out.toString();
    }
}
