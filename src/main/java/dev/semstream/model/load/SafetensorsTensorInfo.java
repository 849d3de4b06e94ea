package dev.semstream.model.load;

import java.util.Arrays;

/**
 * One entry of a safetensors header.
 *
 * @param name  tensor name, e.g. {@code bert.encoder.layer.0.attention.self.query.weight}
 * @param dtype the dtype as spelled in the header (kept as text so unknown types can be named in errors)
 * @param shape dimensions, row-major
 * @param begin start of the data, relative to the end of the header
 * @param end   end (exclusive) of the data, relative to the end of the header
 */
public record SafetensorsTensorInfo(String name, String dtype, long[] shape, long begin, long end) {
    public SafetensorsTensorInfo {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Product of the dims (1 for a scalar). */
    public long elementCount() {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    @Override
    public String toString() {
        return name + " " + dtype + Arrays.toString(shape);
    }
}
