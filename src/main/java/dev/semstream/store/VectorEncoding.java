package dev.semstream.store;

/**
 * How an index holds its vectors for searching. The exact scan and the graph walk read only these codes;
 * with an encoding other than {@link #FLOAT} the best candidates are then rescored at full precision from
 * rows kept off the heap (see {@link IndexConfig#rescoreFactor()}), so hits carry the same scores as a float
 * index gives them.
 */
public enum VectorEncoding {
    /** 32-bit floats, as the encoder made them: 4 bytes a dimension, no rescoring. */
    FLOAT(Float.BYTES),
    /** bfloat16, a float's upper half: 2 bytes a dimension, about 3 significant digits. */
    BF16(Short.BYTES),
    /**
     * Signed bytes with one scale per vector (its largest magnitude maps to 127): 1 byte a dimension plus
     * the scale. Per vector rather than per dimension, because an index that grows by streaming has no
     * training set to fix per-dimension ranges from, and a row encodes alone, never re-encoded.
     */
    INT8(Byte.BYTES);

    private final int bytesPerDimension;

    VectorEncoding(int bytesPerDimension) {
        this.bytesPerDimension = bytesPerDimension;
    }

    /** What one dimension of a stored row takes on the heap. */
    public int bytesPerDimension() {
        return bytesPerDimension;
    }

    /** Reads a user's encoding name ({@code float}, {@code bf16}, {@code int8}; any case). */
    public static VectorEncoding parse(String name) {
        VectorEncoding found = UserNames.find(values(), name);
        if (found == null) {
            throw new IllegalArgumentException("unknown vector encoding '" + name + "'; expected one of "
                    + UserNames.list(values()));
        }
        return found;
    }

    /** The name users write, e.g. {@code int8}. */
    public String userName() {
        return UserNames.of(this);
    }
}
