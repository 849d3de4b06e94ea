package dev.semstream.model.load;

import java.util.Arrays;

/** A growable float[] for repeated protobuf float fields whose count is not known up front. */
final class FloatList {
    private float[] values = new float[8];
    private int size;

    void add(float v) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = v;
    }

    int size() {
        return size;
    }

    float[] toArray() {
        return Arrays.copyOf(values, size);
    }
}
