package dev.semstream.store;

/**
 * A vector from another model, or of another dimension, than the index holds. Vectors of different
 * models live in different spaces, so comparing them would give meaningless scores (an HTTP layer
 * answers 409: the request conflicts with the index).
 */
public final class ModelMismatchException extends VectorStoreException {
    private static final long serialVersionUID = 1L;

    private final String expectedModelId;
    private final int expectedDimension;
    private final String actualModelId;
    private final int actualDimension;

    ModelMismatchException(String what, String expectedModelId, int expectedDimension, String actualModelId,
                           int actualDimension) {
        super(what + " is from model " + actualModelId + " with " + actualDimension
                + " dimensions, but this index holds model " + expectedModelId + " with " + expectedDimension
                + " dimensions");
        this.expectedModelId = expectedModelId;
        this.expectedDimension = expectedDimension;
        this.actualModelId = actualModelId;
        this.actualDimension = actualDimension;
    }

    public String expectedModelId() {
        return expectedModelId;
    }

    public int expectedDimension() {
        return expectedDimension;
    }

    public String actualModelId() {
        return actualModelId;
    }

    public int actualDimension() {
        return actualDimension;
    }
}
