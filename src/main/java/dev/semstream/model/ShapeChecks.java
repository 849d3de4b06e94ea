package dev.semstream.model;

/** Shape checks of loaded weights against their config, each failure a {@link ModelException} naming the tensor. */
final class ShapeChecks {
    private ShapeChecks() {
    }

    static void linear(String name, Linear l, int in, int out) {
        if (l.in() != in || l.out() != out) {
            throw new ModelException(name + " is [" + l.in() + " x " + l.out() + "], expected [" + in + " x " + out + "]");
        }
        if (l.bias() == null) {
            throw new ModelException(name + " has no bias");
        }
    }

    static void size(String name, long actual, long expected) {
        if (actual != expected) {
            throw new ModelException(name + " has size " + actual + ", expected " + expected);
        }
    }
}
