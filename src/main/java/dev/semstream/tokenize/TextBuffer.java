package dev.semstream.tokenize;

import java.util.Arrays;

/**
 * A growable char array that the normalizer writes into and the pre-tokenizer and WordPiece read
 * by index. It is a {@link CharSequence} only so {@link java.text.Normalizer} can read it without
 * a copy; the hot paths use {@link #array()} directly.
 */
final class TextBuffer implements CharSequence {
    private char[] chars;
    private int length;

    TextBuffer(int initialCapacity) {
        chars = new char[Math.max(16, initialCapacity)];
    }

    void clear() {
        length = 0;
    }

    void append(char c) {
        if (length == chars.length) {
            grow(length + 1);
        }
        chars[length++] = c;
    }

    void appendCodePoint(int codePoint) {
        if (codePoint < Character.MIN_SUPPLEMENTARY_CODE_POINT) {
            append((char) codePoint);
        } else {
            if (length + 2 > chars.length) {
                grow(length + 2);
            }
            chars[length++] = Character.highSurrogate(codePoint);
            chars[length++] = Character.lowSurrogate(codePoint);
        }
    }

    /** The backing array; valid up to {@link #length()}. Do not keep it across appends. */
    char[] array() {
        return chars;
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public char charAt(int index) {
        if (index >= length) {
            throw new IndexOutOfBoundsException("index " + index + " >= length " + length);
        }
        return chars[index];
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        return toString().substring(start, end);
    }

    @Override
    public String toString() {
        return new String(chars, 0, length);
    }

    private void grow(int minCapacity) {
        chars = Arrays.copyOf(chars, Math.max(minCapacity, chars.length * 2));
    }
}
