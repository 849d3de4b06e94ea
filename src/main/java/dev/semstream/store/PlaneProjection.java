package dev.semstream.store;

import java.util.Objects;

/**
 * A linear map from one model's vectors onto a plane, for drawing them: a point's coordinates are
 * {@code (v - mean) . axisX} and {@code (v - mean) . axisY}. The embedding map's axes (its principal
 * components) are one; the same projection places the stored vectors, a query and each new vector, so
 * they share one picture.
 */
public record PlaneProjection(String modelId, float[] mean, float[] axisX, float[] axisY) {
    public PlaneProjection {
        Objects.requireNonNull(modelId, "modelId");
        if (mean.length == 0 || axisX.length != mean.length || axisY.length != mean.length) {
            throw new IllegalArgumentException("a plane projection needs a mean and two axes of one length, not "
                    + mean.length + ", " + axisX.length + " and " + axisY.length);
        }
    }

    public int dimensions() {
        return mean.length;
    }

    /** The point of {@code vector}: {x, y}. */
    public float[] project(float[] vector) {
        if (vector.length != mean.length) {
            throw new IllegalArgumentException("a " + vector.length + "-dimensional vector cannot go on a map of "
                    + mean.length + " dimensions");
        }
        return project(vector, 0);
    }

    /** The point of the row of {@link #dimensions()} floats at {@code offset} of {@code data}: {x, y}. */
    float[] project(float[] data, int offset) {
        double x = 0;
        double y = 0;
        for (int i = 0; i < mean.length; i++) {
            double centred = data[offset + i] - mean[i];
            x += centred * axisX[i];
            y += centred * axisY[i];
        }
        return new float[]{(float) x, (float) y};
    }
}
