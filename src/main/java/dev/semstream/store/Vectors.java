package dev.semstream.store;

/** Checks on vectors coming in from callers. */
final class Vectors {
    private Vectors() {
    }

    /** A NaN or infinity would poison every score it touches and sort unpredictably; refuse it at the door. */
    static void requireFinite(float[] v, String what) {
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) {
                throw new InvalidRequestException(what + " has a non-finite value at index " + i + ": " + v[i]);
            }
        }
    }
}
