package dev.semstream.model.load;

import dev.semstream.model.Linear;
import dev.semstream.model.Norm;

import java.util.Map;

/** Named tensors of a checkpoint (already checked present by the caller) assembled into the model's parts. */
final class TensorMap {
    private TensorMap() {
    }

    /** {@code module.weight} stored [in, out] and {@code module.bias}. */
    static Linear linear(Map<String, float[]> t, String module, int in, int out) {
        return new Linear(get(t, module + ".weight"), get(t, module + ".bias"), in, out);
    }

    /** A layer norm's {@code module.weight} (gamma) and {@code module.bias} (beta). */
    static Norm norm(Map<String, float[]> t, String module) {
        return new Norm(get(t, module + ".weight"), get(t, module + ".bias"));
    }

    static float[] get(Map<String, float[]> t, String name) {
        float[] v = t.get(name);
        if (v == null) {
            throw new IllegalStateException("no tensor " + name + " (checked by the caller)");
        }
        return v;
    }
}
