package dev.semstream.tokenize;

import java.util.Arrays;

/** A growable list of primitive ints: token ids and span bounds without boxing. */
final class IntList {
    private int[] values;
    private int size;

    IntList(int initialCapacity) {
        values = new int[Math.max(4, initialCapacity)];
    }

    void add(int value) {
        if (size == values.length) {
            values = Arrays.copyOf(values, values.length * 2);
        }
        values[size++] = value;
    }

    int get(int index) {
        if (index >= size) {
            throw new IndexOutOfBoundsException("index " + index + " >= size " + size);
        }
        return values[index];
    }

    void set(int index, int value) {
        if (index >= size) {
            throw new IndexOutOfBoundsException("index " + index + " >= size " + size);
        }
        values[index] = value;
    }

    int size() {
        return size;
    }

    void clear() {
        size = 0;
    }

    /** Drops everything from {@code newSize} on. */
    void truncate(int newSize) {
        if (newSize < 0 || newSize > size) {
            throw new IndexOutOfBoundsException("newSize " + newSize + " not in [0, " + size + "]");
        }
        size = newSize;
    }

    /** Copies the first {@code count} values into {@code target} at {@code offset}. */
    void copyTo(int count, int[] target, int offset) {
        System.arraycopy(values, 0, target, offset, count);
    }
}
